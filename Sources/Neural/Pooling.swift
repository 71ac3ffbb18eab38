import CNeuralKernels

// Max, average and global average pooling over HWC images. `geometry.outChannels` must equal `inChannels`.
// Padded cells are never a max-pool candidate; average pooling either skips them or counts them as zeros.

/// Max pooling; padded cells are ignored (a window lying wholly in the padding gives 0). Runs in
/// CNeuralKernels' per-instruction-set kernel (channels in vectors); `isa` defaults to
/// `KernelDispatch.active.isa` (tests pass each supported one). Its reference is `maxPool2dNaive`.
public func maxPool2d(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                      isa: InstructionSet = KernelDispatch.active.isa) {
    var geometry = rc_pool_geometry(
        in_height: Int32(g.inHeight), in_width: Int32(g.inWidth), channels: Int32(g.inChannels),
        out_height: Int32(g.outHeight), out_width: Int32(g.outWidth), kernel_h: Int32(g.kernelHeight),
        kernel_w: Int32(g.kernelWidth), stride_y: Int32(g.strideHeight), stride_x: Int32(g.strideWidth),
        pad_top: Int32(g.padding.top), pad_left: Int32(g.padding.left))
    rc_max_pool(isa.c, input, &geometry, output)
}

/// Reference max pooling with plain loops (same contract as `maxPool2d`).
public func maxPool2dNaive(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry) {
    let c = g.inChannels
    for oy in 0..<g.outHeight {
        for ox in 0..<g.outWidth {
            for ch in 0..<c {
                var best = -Float.infinity
                for ky in 0..<g.kernelHeight {
                    let iy = oy * g.strideHeight - g.padding.top + ky
                    guard iy >= 0, iy < g.inHeight else { continue }
                    for kx in 0..<g.kernelWidth {
                        let ix = ox * g.strideWidth - g.padding.left + kx
                        guard ix >= 0, ix < g.inWidth else { continue }
                        best = max(best, input[(iy * g.inWidth + ix) * c + ch])
                    }
                }
                output[(oy * g.outWidth + ox) * c + ch] = best == -.infinity ? 0 : best
            }
        }
    }
}

/// Average pooling. With `countPadding` false (TensorFlow/Keras) the divisor is the number of real cells in
/// the window; with true (PyTorch's default, dlib) padded cells count as zeros and the divisor is kh·kw.
public func averagePool2d(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                          countPadding: Bool = false) {
    let c = g.inChannels
    for oy in 0..<g.outHeight {
        let y0 = oy * g.strideHeight - g.padding.top
        let kyStart = max(0, -y0), kyEnd = min(g.kernelHeight, g.inHeight - y0)
        for ox in 0..<g.outWidth {
            let x0 = ox * g.strideWidth - g.padding.left
            let kxStart = max(0, -x0), kxEnd = min(g.kernelWidth, g.inWidth - x0)
            let out = output + (oy * g.outWidth + ox) * c
            out.update(repeating: 0, count: c)
            let cells = max(0, kyEnd - kyStart) * max(0, kxEnd - kxStart)
            guard cells > 0 else { continue }
            for ky in kyStart..<kyEnd {
                for kx in kxStart..<kxEnd {
                    let src = input + ((y0 + ky) * g.inWidth + x0 + kx) * c
                    for ch in 0..<c { out[ch] += src[ch] }
                }
            }
            let scale = 1 / Float(countPadding ? g.kernelHeight * g.kernelWidth : cells)
            for ch in 0..<c { out[ch] *= scale }
        }
    }
}

/// Reference average pooling with plain loops (same contract as `averagePool2d`).
public func averagePool2dNaive(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                               countPadding: Bool = false) {
    let c = g.inChannels
    for oy in 0..<g.outHeight {
        for ox in 0..<g.outWidth {
            for ch in 0..<c {
                var sum: Float = 0
                var cells = 0
                for ky in 0..<g.kernelHeight {
                    let iy = oy * g.strideHeight - g.padding.top + ky
                    guard iy >= 0, iy < g.inHeight else { continue }
                    for kx in 0..<g.kernelWidth {
                        let ix = ox * g.strideWidth - g.padding.left + kx
                        guard ix >= 0, ix < g.inWidth else { continue }
                        sum += input[(iy * g.inWidth + ix) * c + ch]
                        cells += 1
                    }
                }
                let divisor = countPadding ? g.kernelHeight * g.kernelWidth : cells
                output[(oy * g.outWidth + ox) * c + ch] = divisor > 0 ? sum / Float(divisor) : 0
            }
        }
    }
}

/// Global average pooling: the mean of each channel over an H×W×C image, into `channels` floats.
public func globalAveragePool(input: UnsafePointer<Float>, height: Int, width: Int, channels: Int,
                              output: UnsafeMutablePointer<Float>) {
    output.update(repeating: 0, count: channels)
    let pixels = height * width
    for p in 0..<pixels {
        let src = input + p * channels
        for ch in 0..<channels { output[ch] += src[ch] }
    }
    let scale = 1 / Float(max(pixels, 1))
    for ch in 0..<channels { output[ch] *= scale }
}
