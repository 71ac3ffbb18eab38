// Depthwise 3×3 convolution specialised for mini-Xception's separable convolutions (any stride and padding,
// depth multiplier 1), and its naive reference is `depthwiseConv2dNaive` (DepthwiseConv2D.swift).
//
// Why a second depthwise kernel: on the project's x86-64 baseline build (no `-mfma`), `SIMD8.addingProduct`
// lowers to eight `fmaf` library calls, which made `depthwiseConv2d` ~20× slower than memory allows
// (0.8 ms for a 60×60×16 layer). This one multiplies and adds separately (vectorised), and takes the nine
// taps without bounds checks wherever the window lies inside the image. Layouts as in Kernels.swift:
// input HWC, weights [3, 3, c], output HWC.

/// Depthwise 3×3 convolution: `output[oy, ox, c] = act(bias[c] + Σ input[iy, ix, c] · w[ky, kx, c])`, padding
/// reading as 0. `g.kernelHeight` and `g.kernelWidth` must be 3 and `g.outChannels == g.inChannels`.
public func depthwiseConv3x3(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                             output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                             activation: Activation = .none) {
    precondition(g.kernelHeight == 3 && g.kernelWidth == 3 && g.inChannels == g.outChannels, "depthwiseConv3x3 needs a 3×3 depthwise geometry")
    let c = g.inChannels
    let vectorEnd = c & ~7
    let rowStride = g.inWidth * c
    for oy in 0 ..< g.outHeight {
        let y0 = oy * g.strideHeight - g.padding.top
        let rowsInside = y0 >= 0 && y0 + 3 <= g.inHeight
        for ox in 0 ..< g.outWidth {
            let x0 = ox * g.strideWidth - g.padding.left
            let out = output + (oy * g.outWidth + ox) * c
            guard rowsInside && x0 >= 0 && x0 + 3 <= g.inWidth else {
                depthwiseBorderPixel(input: input, weights: weights, bias: bias, out: out, geometry: g,
                                     y0: y0, x0: x0, activation: activation)
                continue
            }
            let origin = input + y0 * rowStride + x0 * c
            var ch = 0
            while ch < vectorEnd {
                var acc = bias.map { UnsafeRawPointer($0 + ch).loadUnaligned(as: SIMD8<Float>.self) } ?? .zero
                for ky in 0 ..< 3 {
                    let row = UnsafeRawPointer(origin + ky * rowStride + ch)
                    let taps = UnsafeRawPointer(weights + ky * 3 * c + ch)
                    acc += row.loadUnaligned(as: SIMD8<Float>.self) * taps.loadUnaligned(as: SIMD8<Float>.self)
                    acc += row.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
                        * taps.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
                    acc += row.loadUnaligned(fromByteOffset: c * 8, as: SIMD8<Float>.self)
                        * taps.loadUnaligned(fromByteOffset: c * 8, as: SIMD8<Float>.self)
                }
                switch activation {
                case .none: break
                case .relu: acc = acc.replacing(with: 0, where: acc .< 0)
                case .relu6: acc = acc.replacing(with: 0, where: acc .< 0).replacing(with: 6, where: acc .> 6)
                }
                UnsafeMutableRawPointer(out + ch).storeBytes(of: acc, as: SIMD8<Float>.self)
                ch += 8
            }
            while ch < c {
                var sum: Float = bias?[ch] ?? 0
                for ky in 0 ..< 3 {
                    for kx in 0 ..< 3 { sum += origin[ky * rowStride + kx * c + ch] * weights[(ky * 3 + kx) * c + ch] }
                }
                out[ch] = activation.apply(sum)
                ch += 1
            }
        }
    }
}

/// One output pixel whose window crosses the image border (taps outside read as 0).
@inline(__always)
private func depthwiseBorderPixel(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                  out: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry, y0: Int, x0: Int,
                                  activation: Activation) {
    let c = g.inChannels
    for ch in 0 ..< c { out[ch] = bias?[ch] ?? 0 }
    for ky in max(0, -y0) ..< min(3, g.inHeight - y0) {
        for kx in max(0, -x0) ..< min(3, g.inWidth - x0) {
            let src = input + ((y0 + ky) * g.inWidth + x0 + kx) * c
            let taps = weights + (ky * 3 + kx) * c
            for ch in 0 ..< c { out[ch] += src[ch] * taps[ch] }
        }
    }
    for ch in 0 ..< c { out[ch] = activation.apply(out[ch]) }
}
