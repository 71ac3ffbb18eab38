// Depthwise 2-D convolution (depth multiplier 1) with Swift SIMD over channels, and the naive reference.
// Layouts: input HWC, weights [kh, kw, c], output HWC (see Kernels.swift).

/// Depthwise convolution: `output[oy, ox, c] = act(bias[c] + Σ input[iy, ix, c] · w[ky, kx, c])`, padding
/// reading as 0. `g.outChannels` must equal `g.inChannels`.
public func depthwiseConv2d(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                            output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                            activation: Activation = .none) {
    let c = g.inChannels
    let vectorEnd = c & ~7
    let src = UnsafeRawPointer(input), wts = UnsafeRawPointer(weights)
    for oy in 0..<g.outHeight {
        let y0 = oy * g.strideHeight - g.padding.top
        let kyStart = max(0, -y0), kyEnd = min(g.kernelHeight, g.inHeight - y0)
        for ox in 0..<g.outWidth {
            let x0 = ox * g.strideWidth - g.padding.left
            let kxStart = max(0, -x0), kxEnd = min(g.kernelWidth, g.inWidth - x0)
            let out = output + (oy * g.outWidth + ox) * c
            // Vector body: 8 channels at a time.
            var ch = 0
            while ch < vectorEnd {
                var acc = bias.map { UnsafeRawPointer($0 + ch).loadUnaligned(as: SIMD8<Float>.self) } ?? .zero
                var ky = kyStart
                while ky < kyEnd {
                    var kx = kxStart
                    while kx < kxEnd {
                        let inOffset = (((y0 + ky) * g.inWidth + x0 + kx) * c + ch) * 4
                        let wOffset = ((ky * g.kernelWidth + kx) * c + ch) * 4
                        // `a * b + c`, not `addingProduct`: without FMA in the target that lowers to scalar fmaf calls.
                        acc += src.loadUnaligned(fromByteOffset: inOffset, as: SIMD8<Float>.self)
                            * wts.loadUnaligned(fromByteOffset: wOffset, as: SIMD8<Float>.self)
                        kx += 1
                    }
                    ky += 1
                }
                switch activation {
                case .none: break
                case .relu: acc = acc.replacing(with: 0, where: acc .< 0)
                case .relu6:
                    acc = acc.replacing(with: 0, where: acc .< 0)
                    acc = acc.replacing(with: 6, where: acc .> 6)
                }
                UnsafeMutableRawPointer(out + ch).storeBytes(of: acc, as: SIMD8<Float>.self)
                ch += 8
            }
            // Scalar tail.
            while ch < c {
                var sum: Float = bias?[ch] ?? 0
                for ky in kyStart..<max(kyStart, kyEnd) {
                    for kx in kxStart..<max(kxStart, kxEnd) {
                        sum += input[((y0 + ky) * g.inWidth + x0 + kx) * c + ch]
                            * weights[(ky * g.kernelWidth + kx) * c + ch]
                    }
                }
                out[ch] = activation.apply(sum)
                ch += 1
            }
        }
    }
}

/// Reference depthwise convolution with plain loops (same contract as `depthwiseConv2d`).
public func depthwiseConv2dNaive(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                 output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                                 activation: Activation = .none) {
    let c = g.inChannels
    for oy in 0..<g.outHeight {
        for ox in 0..<g.outWidth {
            for ch in 0..<c {
                var sum: Float = bias?[ch] ?? 0
                for ky in 0..<g.kernelHeight {
                    let iy = oy * g.strideHeight - g.padding.top + ky
                    guard iy >= 0, iy < g.inHeight else { continue }
                    for kx in 0..<g.kernelWidth {
                        let ix = ox * g.strideWidth - g.padding.left + kx
                        guard ix >= 0, ix < g.inWidth else { continue }
                        sum += input[(iy * g.inWidth + ix) * c + ch] * weights[(ky * g.kernelWidth + kx) * c + ch]
                    }
                }
                output[(oy * g.outWidth + ox) * c + ch] = activation.apply(sum)
            }
        }
    }
}
