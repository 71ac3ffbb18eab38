import Neural

// Lowers a Keras functional model (its own `model_config` and weights) to Neural's `Graph`. Batch norms are
// folded into the linear convolution before them (they are constants, so the reader folds them); separable
// convolutions become depthwise + pointwise; ReLUs stay standalone ops for the plan to fuse. Supports what
// fer's mini-Xception uses: `InputLayer`, `Conv2D`, `SeparableConv2D`, `BatchNormalization`, `Activation`
// (relu, softmax, linear), `MaxPooling2D`, `AveragePooling2D`, `Add`, `GlobalAveragePooling2D`; anything else
// is refused, naming the layer.

extension KerasWeights {
    /// The file's model as a `Graph` (one input, its first output layer as the output).
    public func graph() throws(HDF5Error) -> Graph {
        var lowering = KerasGraphLowering(file: path, weights: self, config: try modelConfig())
        try lowering.lower()
        return lowering.graph
    }
}

/// Walks the layers in order, emitting nodes and folding batch norms as it goes.
struct KerasGraphLowering {
    let file: String
    let weights: KerasWeights
    let config: KerasModelConfig
    var graph = Graph()
    var nodes: [String: ValueID] = [:]
    /// How many layers read each layer's output.
    var consumers: [String: Int] = [:]

    init(file: String, weights: KerasWeights, config: KerasModelConfig) {
        self.file = file
        self.weights = weights
        self.config = config
        for layer in config.layers { for source in layer.inbound { consumers[source, default: 0] += 1 } }
    }

    func fail(_ layer: String, _ detail: String, code: HDF5Error.Code = .badModelConfig) -> HDF5Error {
        HDF5Error(code, file: file, object: layer, detail: detail)
    }

    mutating func lower() throws(HDF5Error) {
        for layer in config.layers {
            let inputs = try layer.inbound.map { (source: String) throws(HDF5Error) -> ValueID in
                guard let node = nodes[source] else { throw fail(layer.name, "input '\(source)' is not defined before it") }
                return node
            }
            switch layer.className {
            case "InputLayer": try inputLayer(layer)
            case "Conv2D": nodes[layer.name] = try conv(layer, try single(inputs, layer))
            case "SeparableConv2D": nodes[layer.name] = try separable(layer, try single(inputs, layer))
            case "BatchNormalization": nodes[layer.name] = try batchNorm(layer, try single(inputs, layer))
            case "Activation": nodes[layer.name] = try activation(layer, try single(inputs, layer))
            case "MaxPooling2D", "AveragePooling2D": nodes[layer.name] = try pool(layer, try single(inputs, layer))
            case "Add": nodes[layer.name] = try addLayer(layer, inputs)
            case "GlobalAveragePooling2D":
                let input = try single(inputs, layer)
                guard let s = graph.hwc(input) else { throw fail(layer.name, "input is not H×W×C") }
                nodes[layer.name] = graph.add(.globalAveragePool(input: input), shape: [1, 1, s.channels], name: layer.name)
            default:
                throw fail(layer.name, "layer class \(layer.className) is not supported")
            }
        }
        let outputName = config.outputs.first ?? config.layers.last?.name ?? ""
        guard let output = nodes[outputName], graph.inputs.count == 1 else {
            throw HDF5Error(.badModelConfig, file: file, detail: "the graph has no input or no output layer")
        }
        graph.outputs = [output]
    }

    func single(_ inputs: [ValueID], _ layer: KerasModelConfig.Layer) throws(HDF5Error) -> ValueID {
        guard inputs.count == 1, let input = inputs.first else {
            throw fail(layer.name, "expects one input, has \(inputs.count)")
        }
        return input
    }

    func hwc(_ v: ValueID) -> HWCShape {
        let s = graph.hwc(v) ?? (1, 1, graph.count(v))
        return HWCShape(height: s.height, width: s.width, channels: s.channels)
    }

    mutating func inputLayer(_ layer: KerasModelConfig.Layer) throws(HDF5Error) {
        guard let shape = layer.config["batch_input_shape"]?.arrayValue, shape.count == 4,
              let h = shape[1].numberValue, let w = shape[2].numberValue, let c = shape[3].numberValue,
              h >= 1, w >= 1, c >= 1, h * w * c <= 67_108_864 else {
            throw fail(layer.name, "batch_input_shape must be [null, H, W, C]")
        }
        guard graph.inputs.isEmpty else { throw fail(layer.name, "only one input is supported") }
        nodes[layer.name] = graph.addInput(shape: [Int(h), Int(w), Int(c)], name: layer.name)
    }

    /// Kernel size, strides and padding of a window layer.
    func window(_ layer: KerasModelConfig.Layer, sizeKey: String, input: HWCShape, channelsOut: Int) throws(HDF5Error) -> Conv2DGeometry {
        guard let size = layer.config[sizeKey]?.intArray, size.count == 2, size.allSatisfy({ $0 >= 1 && $0 <= 64 }) else {
            throw fail(layer.name, "\(sizeKey) must be two positive integers")
        }
        let strides = layer.config["strides"]?.intArray ?? size
        guard strides.count == 2, strides.allSatisfy({ $0 >= 1 && $0 <= 64 }) else {
            throw fail(layer.name, "strides must be two positive integers")
        }
        if let dilation = layer.config["dilation_rate"]?.intArray, dilation != [1, 1] {
            throw fail(layer.name, "dilation \(dilation) is not supported")
        }
        if let format = layer.config["data_format"]?.stringValue, format != "channels_last" {
            throw fail(layer.name, "data_format \(format) is not supported")
        }
        let padding: Padding
        switch layer.config["padding"]?.stringValue {
        case "same":
            padding = .same(inHeight: input.height, inWidth: input.width, kernelHeight: size[0], kernelWidth: size[1],
                            strideHeight: strides[0], strideWidth: strides[1])
        case "valid", nil: padding = .zero
        case let other: throw fail(layer.name, "padding \(other ?? "") is not supported")
        }
        let geometry = Conv2DGeometry(inHeight: input.height, inWidth: input.width, inChannels: input.channels,
                                      outChannels: channelsOut, kernelHeight: size[0], kernelWidth: size[1],
                                      strideHeight: strides[0], strideWidth: strides[1], padding: padding)
        guard geometry.isValid else { throw fail(layer.name, "window does not fit the \(input.height)×\(input.width) input") }
        return geometry
    }

    /// The layer's own `activation` as a standalone op after `value` (the plan fuses it).
    mutating func applying(_ layer: KerasModelConfig.Layer, to value: ValueID) throws(HDF5Error) -> ValueID {
        switch layer.config["activation"]?.stringValue {
        case "linear", nil: value
        case "relu": graph.add(.activation(input: value, .relu), shape: graph.shape(value), name: layer.name + "/relu")
        case let other: throw fail(layer.name, "activation \(other ?? "") is not supported")
        }
    }

    func array(_ tensor: KerasTensor, _ layer: String, shape: [Int]) throws(HDF5Error) -> [Float] {
        guard tensor.shape == shape, tensor.values.count == shape.reduce(1, *) else {
            throw fail(layer, "\(tensor.name) has shape \(tensor.shape), expected \(shape)", code: .shapeMismatch)
        }
        guard tensor.values.allSatisfy({ $0.isFinite }) else {
            throw fail(layer, "\(tensor.name) holds NaN or infinite values", code: .shapeMismatch)
        }
        return tensor.values
    }

    func filters(_ layer: KerasModelConfig.Layer) throws(HDF5Error) -> Int {
        guard let filters = layer.config["filters"]?.numberValue.map(Int.init), filters >= 1, filters <= 1 << 16 else {
            throw fail(layer.name, "filters must be a positive integer")
        }
        return filters
    }

    mutating func conv(_ layer: KerasModelConfig.Layer, _ input: ValueID) throws(HDF5Error) -> ValueID {
        let filters = try filters(layer)
        let geometry = try window(layer, sizeKey: "kernel_size", input: hwc(input), channelsOut: filters)
        let useBias = layer.config["use_bias"]?.boolValue ?? true
        let tensors = try weights.tensors(of: layer.name, count: useBias ? 2 : 1)
        let kernel = try array(tensors[0], layer.name, shape: [geometry.kernelHeight, geometry.kernelWidth, geometry.inChannels, filters])
        let bias = useBias ? graph.addConstant(try array(tensors[1], layer.name, shape: [filters])) : nil
        let output = graph.add(.conv(input: input, weights: graph.addConstant(kernel), bias: bias, geometry: geometry,
                                     activation: .none, residual: nil, winograd: false),
                               shape: [geometry.outHeight, geometry.outWidth, filters], name: layer.name)
        return try applying(layer, to: output)
    }

    mutating func separable(_ layer: KerasModelConfig.Layer, _ input: ValueID) throws(HDF5Error) -> ValueID {
        let filters = try filters(layer)
        if let multiplier = layer.config["depth_multiplier"]?.numberValue, multiplier != 1 {
            throw fail(layer.name, "depth_multiplier \(multiplier) is not supported")
        }
        let channels = hwc(input).channels
        let depthGeometry = try window(layer, sizeKey: "kernel_size", input: hwc(input), channelsOut: channels)
        let useBias = layer.config["use_bias"]?.boolValue ?? true
        let tensors = try weights.tensors(of: layer.name, count: useBias ? 3 : 2)
        // Keras depthwise [kh, kw, c, 1] is the kernels' [kh, kw, c]; pointwise [1, 1, cin, cout] is [cin, cout].
        let depthwise = try array(tensors[0], layer.name, shape: [depthGeometry.kernelHeight, depthGeometry.kernelWidth, channels, 1])
        let pointwise = try array(tensors[1], layer.name, shape: [1, 1, channels, filters])
        let (h, w) = (depthGeometry.outHeight, depthGeometry.outWidth)
        let middle = graph.add(.depthwise(input: input, weights: graph.addConstant(depthwise), bias: nil, geometry: depthGeometry,
                                          activation: .none), shape: [h, w, channels], name: layer.name + "/depthwise")
        let bias = useBias ? graph.addConstant(try array(tensors[2], layer.name, shape: [filters])) : nil
        let pointGeometry = Conv2DGeometry(inHeight: h, inWidth: w, inChannels: channels, outChannels: filters,
                                           kernelHeight: 1, kernelWidth: 1)
        let output = graph.add(.conv(input: middle, weights: graph.addConstant(pointwise), bias: bias, geometry: pointGeometry,
                                     activation: .none, residual: nil, winograd: false),
                               shape: [h, w, filters], name: layer.name + "/pointwise")
        return try applying(layer, to: output)
    }

    /// Folds the batch norm into the linear convolution that produced its input (which nothing else reads).
    mutating func batchNorm(_ layer: KerasModelConfig.Layer, _ input: ValueID) throws(HDF5Error) -> ValueID {
        guard let source = layer.inbound.first, consumers[source] == 1,
              case let .conv(convInput, weightID, biasID, geometry, .none, nil, winograd)? = graph.op(writing: input) else {
            throw fail(layer.name, "batch normalization is only supported directly after a linear convolution read by nothing else")
        }
        if let axis = layer.config["axis"]?.numberValue, axis != -1, axis != 3 {
            throw fail(layer.name, "batch normalization over axis \(axis) is not supported")
        }
        let epsilon = Float(layer.config["epsilon"]?.numberValue ?? 1e-3)
        let channels = geometry.outChannels
        let tensors = weights.layers[layer.name] ?? []
        func role(_ name: String, default value: Float) throws(HDF5Error) -> [Float] {
            guard let tensor = tensors.first(where: { $0.role == name }) else {
                if value.isNaN { throw fail(layer.name, "has no \(name) array", code: .missing) }
                return [Float](repeating: value, count: channels)
            }
            return try array(tensor, layer.name, shape: [channels])
        }
        let gamma = try role("gamma", default: 1)
        let beta = try role("beta", default: 0)
        let mean = try role("moving_mean", default: .nan)
        let variance = try role("moving_variance", default: .nan)
        guard variance.allSatisfy({ $0 >= 0 }) else { throw fail(layer.name, "negative moving variance", code: .shapeMismatch) }
        var kernel = graph.constants[weightID.index]
        let bias = biasID.map { graph.constants[$0.index] }
        let folded: [Float]
        do {
            folded = try foldBatchNorm(weights: &kernel, bias: bias, channels: channels, gamma: gamma, beta: beta,
                                       mean: mean, variance: variance, epsilon: epsilon)
        } catch {
            throw fail(layer.name, error.detail, code: .shapeMismatch)
        }
        graph.setConstant(weightID, kernel)
        let newBias: ConstantID
        if let biasID {
            graph.setConstant(biasID, folded)
            newBias = biasID
        } else {
            newBias = graph.addConstant(folded)
        }
        graph.replaceOp(writing: input, with: .conv(input: convInput, weights: weightID, bias: newBias, geometry: geometry,
                                                    activation: .none, residual: nil, winograd: winograd))
        return input
    }

    mutating func activation(_ layer: KerasModelConfig.Layer, _ input: ValueID) throws(HDF5Error) -> ValueID {
        switch layer.config["activation"]?.stringValue {
        case "linear":
            return input
        case "relu":
            return graph.add(.activation(input: input, .relu), shape: graph.shape(input), name: layer.name)
        case "softmax":
            let fusable = layer.inbound.first.map { consumers[$0] == 1 } ?? false
            guard fusable, let s = graph.hwc(input), s.height == 1, s.width == 1 else {
                throw fail(layer.name, "softmax is only supported on a vector read by nothing else")
            }
            return graph.add(.softmax(input: input), shape: graph.shape(input), name: layer.name)
        case let other:
            throw fail(layer.name, "activation \(other ?? "") is not supported")
        }
    }

    mutating func pool(_ layer: KerasModelConfig.Layer, _ input: ValueID) throws(HDF5Error) -> ValueID {
        let s = hwc(input)
        let geometry = try window(layer, sizeKey: "pool_size", input: s, channelsOut: s.channels)
        let op: Op = layer.className == "MaxPooling2D"
            ? .maxPool(input: input, geometry: geometry, activation: .none)
            : .averagePool(input: input, geometry: geometry, countPadding: false, activation: .none)
        return graph.add(op, shape: [geometry.outHeight, geometry.outWidth, s.channels], name: layer.name)
    }

    mutating func addLayer(_ layer: KerasModelConfig.Layer, _ inputs: [ValueID]) throws(HDF5Error) -> ValueID {
        guard inputs.count >= 2, let first = inputs.first else { throw fail(layer.name, "Add needs at least two inputs") }
        for input in inputs where graph.shape(input) != graph.shape(first) {
            throw fail(layer.name, "inputs have different shapes", code: .shapeMismatch)
        }
        var sum = first
        for input in inputs.dropFirst() {
            sum = graph.add(.add(sum, input, activation: .none), shape: graph.shape(first), name: layer.name)
        }
        return sum
    }
}
