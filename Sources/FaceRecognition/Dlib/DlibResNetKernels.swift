// DlibResNetKernels: the operations dlib's ResNet needs, on HWC float32 activations.
import Neural
// `addZeroExtended` is dlib's add_prev on mismatched shapes (each input zero-extended to the larger shape,
// aligned top-left), which the shared kernels do not cover.
enum DlibResNetKernels {
    /// x = max(x, 0).
    static func reluInPlace(_ x: inout [Float]) {
        x.withUnsafeMutableBufferPointer { p in
            for i in p.indices where p[i] < 0 { p[i] = 0 }
        }
    }

    /// dlib's add_prev: out has the larger of each dimension; an input contributes 0 where it has no element.
    static func addZeroExtended(_ a: Activation, _ b: Activation) -> Activation {
        if a.height == b.height, a.width == b.width, a.channels == b.channels {
            var out = a
            out.data.withUnsafeMutableBufferPointer { o in
                b.data.withUnsafeBufferPointer { q in
                    for i in o.indices { o[i] += q[i] }
                }
            }
            return out
        }
        var out = Activation(height: max(a.height, b.height), width: max(a.width, b.width),
                             channels: max(a.channels, b.channels))
        for source in [a, b] {
            for y in 0 ..< source.height {
                for x in 0 ..< source.width {
                    let s = (y * source.width + x) * source.channels
                    let d = (y * out.width + x) * out.channels
                    for c in 0 ..< source.channels { out.data[d + c] += source.data[s + c] }
                }
            }
        }
        return out
    }

    /// Naive convolution (cross-correlation), zero padding.
    static func convolution(_ x: Activation, _ w: ConvolutionWeights) -> Activation {
        let outH = (x.height + 2 * w.paddingY - w.kernelHeight) / w.strideY + 1
        let outW = (x.width + 2 * w.paddingX - w.kernelWidth) / w.strideX + 1
        var out = Activation(height: outH, width: outW, channels: w.outputs)
        x.data.withUnsafeBufferPointer { input in
            w.weights.withUnsafeBufferPointer { weights in
                out.data.withUnsafeMutableBufferPointer { o in
                    for oy in 0 ..< outH {
                        for ox in 0 ..< outW {
                            let base = (oy * outW + ox) * w.outputs
                            for c in 0 ..< w.outputs { o[base + c] = w.bias[c] }
                            for ky in 0 ..< w.kernelHeight {
                                let iy = oy * w.strideY - w.paddingY + ky
                                if iy < 0 || iy >= x.height { continue }
                                for kx in 0 ..< w.kernelWidth {
                                    let ix = ox * w.strideX - w.paddingX + kx
                                    if ix < 0 || ix >= x.width { continue }
                                    let ib = (iy * x.width + ix) * x.channels
                                    let wb = (ky * w.kernelWidth + kx) * w.inputs * w.outputs
                                    for i in 0 ..< w.inputs {
                                        let v = input[ib + i]
                                        let wr = wb + i * w.outputs
                                        for c in 0 ..< w.outputs { o[base + c] += v * weights[wr + c] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Max pooling without padding.
    static func maxPool(_ x: Activation, _ p: DlibPoolShape) -> Activation {
        let outH = (x.height - p.windowHeight) / p.strideY + 1
        let outW = (x.width - p.windowWidth) / p.strideX + 1
        var out = Activation(height: outH, width: outW, channels: x.channels)
        for oy in 0 ..< outH {
            for ox in 0 ..< outW {
                for c in 0 ..< x.channels {
                    var m = -Float.infinity
                    for ky in 0 ..< p.windowHeight {
                        for kx in 0 ..< p.windowWidth {
                            m = max(m, x.data[((oy * p.strideY + ky) * x.width + ox * p.strideX + kx) * x.channels + c])
                        }
                    }
                    out.data[(oy * outW + ox) * x.channels + c] = m
                }
            }
        }
        return out
    }

    /// Average pooling without padding.
    static func averagePool(_ x: Activation, _ p: DlibPoolShape) -> Activation {
        let outH = (x.height - p.windowHeight) / p.strideY + 1
        let outW = (x.width - p.windowWidth) / p.strideX + 1
        var out = Activation(height: outH, width: outW, channels: x.channels)
        let scale = 1 / Float(p.windowHeight * p.windowWidth)
        for oy in 0 ..< outH {
            for ox in 0 ..< outW {
                for c in 0 ..< x.channels {
                    var s: Float = 0
                    for ky in 0 ..< p.windowHeight {
                        for kx in 0 ..< p.windowWidth {
                            s += x.data[((oy * p.strideY + ky) * x.width + ox * p.strideX + kx) * x.channels + c]
                        }
                    }
                    out.data[(oy * outW + ox) * x.channels + c] = s * scale
                }
            }
        }
        return out
    }

    /// Mean over all positions, per channel: 1×1×C.
    static func globalAveragePool(_ x: Activation) -> Activation {
        var out = Activation(height: 1, width: 1, channels: x.channels)
        let count = x.height * x.width
        for i in 0 ..< count {
            for c in 0 ..< x.channels { out.data[c] += x.data[i * x.channels + c] }
        }
        for c in 0 ..< x.channels { out.data[c] /= Float(count) }
        return out
    }
}

typealias DlibPoolShape = DlibPool
