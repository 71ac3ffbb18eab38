// Depthwise 2-D convolution (depth multiplier 1) with Swift SIMD over channels, and the naive reference.
// Layouts: input HWC, weights [kh, kw, c], output HWC (see Kernels.swift).

/// Depthwise convolution: `output[oy, ox, c] = act(bias[c] + Σ input[iy, ix, c] · w[ky, kx, c])`, padding
/// reading as 0. `g.outChannels` must equal `g.inChannels`.
public func depthwiseConv2d(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                            output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                            activation: Activation = .none) {
    let c = g.inChannels
    let vectorEnd = c & ~7
    let rowStride = g.inWidth * c
    for oy in 0..<g.outHeight {
        let y0 = oy * g.strideHeight - g.padding.top
        let kyStart = max(0, -y0), kyEnd = min(g.kernelHeight, g.inHeight - y0)
        for ox in 0..<g.outWidth {
            let x0 = ox * g.strideWidth - g.padding.left
            let kxStart = max(0, -x0), kxEnd = min(g.kernelWidth, g.inWidth - x0)
            let out = output + (oy * g.outWidth + ox) * c
            // Accumulate in the output pixel (L1-resident): bias first, then one pass per kernel tap over the
            // channels, 8 at a time with a scalar tail.
            if let bias { out.update(from: bias, count: c) } else { out.update(repeating: 0, count: c) }
            var ky = kyStart
            while ky < kyEnd {
                let inRow = input + (y0 + ky) * rowStride + x0 * c
                let wRow = weights + ky * g.kernelWidth * c
                var kx = kxStart
                while kx < kxEnd {
                    let src = UnsafeRawPointer(inRow + kx * c), wts = UnsafeRawPointer(wRow + kx * c)
                    let dst = UnsafeMutableRawPointer(out)
                    var ch = 0
                    while ch < vectorEnd {
                        let offset = ch * 4
                        // `a * b + c`, not `addingProduct`: without FMA in the target that lowers to scalar fmaf.
                        let sum = dst.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                            + src.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                            * wts.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                        dst.storeBytes(of: sum, toByteOffset: offset, as: SIMD8<Float>.self)
                        ch += 8
                    }
                    let s = inRow + kx * c, w = wRow + kx * c
                    while ch < c {
                        out[ch] += s[ch] * w[ch]
                        ch += 1
                    }
                    kx += 1
                }
                ky += 1
            }
            if activation != .none { applyActivation(activation, to: out, count: c) }
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
