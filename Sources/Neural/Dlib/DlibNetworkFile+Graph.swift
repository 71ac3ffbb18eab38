// Lowers a dlib network file to Neural's `Graph`: every `affine` (batch norm folded by dlib) is folded once more
// into the convolution below it, weights go from dlib's OIHW to HWIO, tag/skip become references to earlier
// values (no copies), add_prev becomes an ADD (zero-extended where the shapes differ), and the input is an
// H×W×3 value the caller fills (dlib's input layer: (pixel − mean) / 256).

extension DlibNetworkFile {
    /// This network as a `Graph` with one input (rows × cols × 3) and one output (the top layer's values).
    /// `path` names the file in errors.
    public func graph(path: String? = nil) throws(DlibError) -> Graph {
        func fail(_ detail: String) -> DlibError { DlibError(.invalidValue, offset: 0, detail: detail, path: path) }
        var graph = Graph()
        var current = graph.addInput(shape: [input.rows, input.cols, 3], name: "input_rgb_image")
        var shape = HWCShape(height: input.rows, width: input.cols, channels: 3)
        var tagged = [Int: (ValueID, HWCShape)]()
        var convolutions = 0
        var layers = self.layers[...]
        while let layer = layers.popFirst() {
            switch layer {
            case .convolution(let conv):
                guard conv.channels == shape.channels, conv.weights.count == conv.filters * conv.channels * conv.kernelHeight * conv.kernelWidth,
                      conv.bias.isEmpty || conv.bias.count == conv.filters else {
                    throw fail("convolution \(convolutions) expects \(conv.channels) channels, gets \(shape.channels)")
                }
                var affine: DlibAffine?
                if case .affine(let a)? = layers.first {
                    layers.removeFirst()
                    guard a.gamma.count == conv.filters, a.beta.count == conv.filters else {
                        throw fail("affine size \(a.gamma.count) ≠ \(conv.filters) filters")
                    }
                    affine = a
                }
                let geometry = Conv2DGeometry(
                    inHeight: shape.height, inWidth: shape.width, inChannels: conv.channels, outChannels: conv.filters,
                    kernelHeight: conv.kernelHeight, kernelWidth: conv.kernelWidth,
                    strideHeight: conv.strideY, strideWidth: conv.strideX,
                    padding: Padding(top: conv.paddingY, left: conv.paddingX, bottom: conv.paddingY, right: conv.paddingX))
                guard geometry.isValid else { throw fail("convolution \(convolutions) does not fit \(shape)") }
                let (weights, bias) = Self.fold(conv, affine)
                shape = HWCShape(height: geometry.outHeight, width: geometry.outWidth, channels: conv.filters)
                current = graph.add(.conv(input: current, weights: graph.addConstant(weights), bias: graph.addConstant(bias),
                                          geometry: geometry, activation: .none, residual: nil,
                                          winograd: WinogradWeights.suits(geometry)),
                                    shape: [shape.height, shape.width, shape.channels], name: "con\(convolutions)")
                convolutions += 1
            case .affine:
                throw fail("affine layer not directly above a convolution")
            case .relu:
                current = graph.add(.activation(input: current, .relu), shape: graph.shape(current), name: "relu")
            case .maxPool(let pool), .avgPool(let pool):
                if pool.windowHeight == 0 {
                    shape = HWCShape(height: 1, width: 1, channels: shape.channels)
                    current = graph.add(.globalAveragePool(input: current), shape: [1, 1, shape.channels], name: "avg_pool_everything")
                    break
                }
                let geometry = Conv2DGeometry(
                    inHeight: shape.height, inWidth: shape.width, inChannels: shape.channels, outChannels: shape.channels,
                    kernelHeight: pool.windowHeight, kernelWidth: pool.windowWidth,
                    strideHeight: pool.strideY, strideWidth: pool.strideX,
                    padding: Padding(top: pool.paddingY, left: pool.paddingX, bottom: pool.paddingY, right: pool.paddingX))
                guard geometry.isValid else { throw fail("pooling does not fit \(shape)") }
                shape = HWCShape(height: geometry.outHeight, width: geometry.outWidth, channels: shape.channels)
                let op: Op = if case .maxPool = layer {
                    .maxPool(input: current, geometry: geometry, activation: .none)
                } else {
                    .averagePool(input: current, geometry: geometry, countPadding: true, activation: .none)
                }
                current = graph.add(op, shape: [shape.height, shape.width, shape.channels])
            case .tag(let id):
                tagged[id] = (current, shape)
            case .skip(let id):
                guard let t = tagged[id] else { throw fail("skip\(id) without tag\(id)") }
                (current, shape) = t
            case .addPrevious(let id):
                guard let (other, otherShape) = tagged[id] else { throw fail("add_prev\(id) without tag\(id)") }
                shape = HWCShape(height: max(shape.height, otherShape.height), width: max(shape.width, otherShape.width),
                                 channels: max(shape.channels, otherShape.channels))
                current = graph.add(.add(current, other, activation: .none), shape: [shape.height, shape.width, shape.channels],
                                    name: "add_prev\(id)")
            case .fullyConnected(let fc):
                guard layers.isEmpty, fc.inputs == shape.count, fc.bias.isEmpty, fc.weights.count == fc.inputs * fc.outputs else {
                    throw fail("the fully connected layer must be last, take \(shape.count) inputs and have no bias")
                }
                current = graph.add(.fullyConnected(input: current, weights: graph.addConstant(fc.weights), bias: nil,
                                                    inCount: fc.inputs, outCount: fc.outputs, activation: .none),
                                    shape: [fc.outputs], name: "fc")
            }
        }
        graph.outputs = [current]
        return graph
    }

    /// A convolution's weights in HWIO with `affine` folded in (scale each filter, shift its bias).
    static func fold(_ conv: DlibConvolution, _ affine: DlibAffine?) -> (weights: [Float], bias: [Float]) {
        let (kh, kw, cin, cout) = (conv.kernelHeight, conv.kernelWidth, conv.channels, conv.filters)
        let scale = affine?.gamma ?? [Float](repeating: 1, count: cout)
        let shift = affine?.beta ?? [Float](repeating: 0, count: cout)
        var weights = [Float](repeating: 0, count: conv.weights.count)
        var bias = conv.bias.isEmpty ? [Float](repeating: 0, count: cout) : conv.bias
        for o in 0 ..< cout {
            for i in 0 ..< cin {
                for ky in 0 ..< kh {
                    for kx in 0 ..< kw {
                        weights[((ky * kw + kx) * cin + i) * cout + o] = conv.weights[((o * cin + i) * kh + ky) * kw + kx] * scale[o]
                    }
                }
            }
            bias[o] = bias[o] * scale[o] + shift[o]
        }
        return (weights, bias)
    }
}
