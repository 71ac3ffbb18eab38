import Neural

extension KerasGraphPlan {
    /// Compiles the Keras graph `config` with the arrays in `weights`; every unsupported layer, option or
    /// wrongly shaped array throws `HDF5Error` naming the layer.
    init(config: KerasModelConfig, weights: KerasWeights) throws(HDF5Error) {
        var builder = Builder(file: weights.path, weights: weights, config: config)
        try builder.build()
        guard let output = builder.outputBuffer, let input = builder.inputBuffer else {
            throw HDF5Error(.badModelConfig, file: weights.path, detail: "the graph has no input or no output layer")
        }
        self.init(input: input, output: output, ops: builder.ops, parameters: builder.parameters,
                  arenaCount: builder.arenaCount, scratchCount: builder.scratchCount)
    }
}

/// Walks the layers in order, emitting ops and folding/fusing as it goes.
private struct Builder {
    struct Node {
        var buffer: KerasGraphPlan.Buffer
        /// Index in `ops` of the op that wrote `buffer`, when batch norm or ReLU may be folded into it.
        var producer: Int?
    }

    let file: String
    let weights: KerasWeights
    let config: KerasModelConfig
    var ops: [KerasGraphPlan.Op] = []
    var parameters: [Float] = []
    var arenaCount = 0
    var scratchCount = 0
    var nodes: [String: Node] = [:]
    var inputBuffer: KerasGraphPlan.Buffer?
    var outputBuffer: KerasGraphPlan.Buffer?
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

    mutating func allocate(height: Int, width: Int, channels: Int) -> KerasGraphPlan.Buffer {
        let buffer = KerasGraphPlan.Buffer(offset: arenaCount, height: height, width: width, channels: channels)
        arenaCount += buffer.count
        return buffer
    }

    mutating func append(_ values: [Float]) -> Int {
        let offset = parameters.count
        parameters += values
        return offset
    }

    mutating func build() throws(HDF5Error) {
        for layer in config.layers {
            let inputs = try layer.inbound.map { (source: String) throws(HDF5Error) -> Node in
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
                let output = allocate(height: 1, width: 1, channels: input.buffer.channels)
                ops.append(.globalAveragePool(input: input.buffer, output: output))
                nodes[layer.name] = Node(buffer: output, producer: nil)
            default:
                throw fail(layer.name, "layer class \(layer.className) is not supported")
            }
        }
        let outputName = config.outputs.first ?? config.layers.last?.name ?? ""
        outputBuffer = nodes[outputName]?.buffer
    }

    func single(_ inputs: [Node], _ layer: KerasModelConfig.Layer) throws(HDF5Error) -> Node {
        guard inputs.count == 1, let input = inputs.first else {
            throw fail(layer.name, "expects one input, has \(inputs.count)")
        }
        return input
    }

    mutating func inputLayer(_ layer: KerasModelConfig.Layer) throws(HDF5Error) {
        guard let shape = layer.config["batch_input_shape"]?.arrayValue, shape.count == 4,
              let h = shape[1].numberValue, let w = shape[2].numberValue, let c = shape[3].numberValue,
              h >= 1, w >= 1, c >= 1, h * w * c <= 67_108_864 else {
            throw fail(layer.name, "batch_input_shape must be [null, H, W, C]")
        }
        guard inputBuffer == nil else { throw fail(layer.name, "only one input is supported") }
        let buffer = allocate(height: Int(h), width: Int(w), channels: Int(c))
        inputBuffer = buffer
        nodes[layer.name] = Node(buffer: buffer, producer: nil)
    }

    /// Kernel size, strides and padding of a window layer.
    func window(_ layer: KerasModelConfig.Layer, sizeKey: String, input: KerasGraphPlan.Buffer,
                channelsOut: Int) throws(HDF5Error) -> Conv2DGeometry {
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

    func fusedActivation(_ layer: KerasModelConfig.Layer) throws(HDF5Error) -> Activation {
        switch layer.config["activation"]?.stringValue {
        case "linear", nil: .none
        case "relu": .relu
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

    mutating func conv(_ layer: KerasModelConfig.Layer, _ input: Node) throws(HDF5Error) -> Node {
        guard let filters = layer.config["filters"]?.numberValue.map(Int.init), filters >= 1, filters <= 1 << 16 else {
            throw fail(layer.name, "filters must be a positive integer")
        }
        let geometry = try window(layer, sizeKey: "kernel_size", input: input.buffer, channelsOut: filters)
        let useBias = layer.config["use_bias"]?.boolValue ?? true
        let tensors = try weights.tensors(of: layer.name, count: useBias ? 2 : 1)
        let kernel = try array(tensors[0], layer.name, shape: [geometry.kernelHeight, geometry.kernelWidth, input.buffer.channels, filters])
        let weightOffset = append(kernel)
        let biasOffset = useBias ? append(try array(tensors[1], layer.name, shape: [filters])) : nil
        let output = allocate(height: geometry.outHeight, width: geometry.outWidth, channels: filters)
        scratchCount = max(scratchCount, geometry.scratchCount)
        ops.append(.conv(weights: weightOffset, bias: biasOffset, geometry: geometry,
                         activation: try fusedActivation(layer), input: input.buffer, output: output))
        return Node(buffer: output, producer: ops.count - 1)
    }

    mutating func separable(_ layer: KerasModelConfig.Layer, _ input: Node) throws(HDF5Error) -> Node {
        guard let filters = layer.config["filters"]?.numberValue.map(Int.init), filters >= 1, filters <= 1 << 16 else {
            throw fail(layer.name, "filters must be a positive integer")
        }
        if let multiplier = layer.config["depth_multiplier"]?.numberValue, multiplier != 1 {
            throw fail(layer.name, "depth_multiplier \(multiplier) is not supported")
        }
        let channels = input.buffer.channels
        let depthGeometry = try window(layer, sizeKey: "kernel_size", input: input.buffer, channelsOut: channels)
        let useBias = layer.config["use_bias"]?.boolValue ?? true
        let tensors = try weights.tensors(of: layer.name, count: useBias ? 3 : 2)
        // Keras depthwise [kh, kw, c, 1] is the kernels' [kh, kw, c]; pointwise [1, 1, cin, cout] is [cin, cout].
        let depthwise = try array(tensors[0], layer.name, shape: [depthGeometry.kernelHeight, depthGeometry.kernelWidth, channels, 1])
        let pointwise = try array(tensors[1], layer.name, shape: [1, 1, channels, filters])
        let depthOffset = append(depthwise)
        let middle = allocate(height: depthGeometry.outHeight, width: depthGeometry.outWidth, channels: channels)
        ops.append(.depthwise(weights: depthOffset, geometry: depthGeometry, input: input.buffer, output: middle))
        let pointOffset = append(pointwise)
        let biasOffset = useBias ? append(try array(tensors[2], layer.name, shape: [filters])) : nil
        let pointGeometry = Conv2DGeometry(inHeight: middle.height, inWidth: middle.width, inChannels: channels,
                                           outChannels: filters, kernelHeight: 1, kernelWidth: 1)
        let output = allocate(height: middle.height, width: middle.width, channels: filters)
        ops.append(.conv(weights: pointOffset, bias: biasOffset, geometry: pointGeometry,
                         activation: try fusedActivation(layer), input: middle, output: output))
        return Node(buffer: output, producer: ops.count - 1)
    }

    /// Folds the batch norm into the convolution that produced its input (which nothing else reads).
    mutating func batchNorm(_ layer: KerasModelConfig.Layer, _ input: Node) throws(HDF5Error) -> Node {
        guard let source = layer.inbound.first, consumers[source] == 1, let producer = input.producer,
              case let .conv(weightOffset, biasOffset, geometry, activation, convInput, output) = ops[producer],
              activation == .none else {
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
        var kernel = Array(parameters[weightOffset ..< weightOffset + geometry.weightCount])
        let bias = biasOffset.map { Array(parameters[$0 ..< $0 + channels]) }
        let folded: [Float]
        do {
            folded = try foldBatchNorm(weights: &kernel, bias: bias, channels: channels, gamma: gamma, beta: beta,
                                       mean: mean, variance: variance, epsilon: epsilon)
        } catch {
            throw fail(layer.name, error.detail, code: .shapeMismatch)
        }
        parameters.replaceSubrange(weightOffset ..< weightOffset + kernel.count, with: kernel)
        let newBias: Int
        if let biasOffset {
            parameters.replaceSubrange(biasOffset ..< biasOffset + channels, with: folded)
            newBias = biasOffset
        } else {
            newBias = append(folded)
        }
        ops[producer] = .conv(weights: weightOffset, bias: newBias, geometry: geometry, activation: .none,
                              input: convInput, output: output)
        return Node(buffer: output, producer: producer)
    }

    mutating func activation(_ layer: KerasModelConfig.Layer, _ input: Node) throws(HDF5Error) -> Node {
        let fusable = layer.inbound.first.map { consumers[$0] == 1 } ?? false
        switch layer.config["activation"]?.stringValue {
        case "linear":
            return input
        case "relu":
            if fusable, let producer = input.producer {
                switch ops[producer] {
                case let .conv(w, b, g, .none, i, o):
                    ops[producer] = .conv(weights: w, bias: b, geometry: g, activation: .relu, input: i, output: o)
                    return Node(buffer: input.buffer, producer: nil)
                case let .add(a, b, .none, o):
                    ops[producer] = .add(a: a, b: b, activation: .relu, output: o)
                    return Node(buffer: input.buffer, producer: nil)
                default: break
                }
            }
            let output = allocate(height: input.buffer.height, width: input.buffer.width, channels: input.buffer.channels)
            ops.append(.relu(input: input.buffer, output: output))
            return Node(buffer: output, producer: nil)
        case "softmax":
            guard fusable, input.buffer.height == 1, input.buffer.width == 1 else {
                throw fail(layer.name, "softmax is only supported on a vector read by nothing else")
            }
            ops.append(.softmax(buffer: input.buffer))
            return Node(buffer: input.buffer, producer: nil)
        case let other:
            throw fail(layer.name, "activation \(other ?? "") is not supported")
        }
    }

    mutating func pool(_ layer: KerasModelConfig.Layer, _ input: Node) throws(HDF5Error) -> Node {
        let geometry = try window(layer, sizeKey: "pool_size", input: input.buffer, channelsOut: input.buffer.channels)
        let output = allocate(height: geometry.outHeight, width: geometry.outWidth, channels: input.buffer.channels)
        if layer.className == "MaxPooling2D" {
            ops.append(.maxPool(geometry: geometry, input: input.buffer, output: output))
        } else {
            ops.append(.averagePool(geometry: geometry, input: input.buffer, output: output))
        }
        return Node(buffer: output, producer: nil)
    }

    mutating func addLayer(_ layer: KerasModelConfig.Layer, _ inputs: [Node]) throws(HDF5Error) -> Node {
        guard inputs.count >= 2, let first = inputs.first else { throw fail(layer.name, "Add needs at least two inputs") }
        let shape = (first.buffer.height, first.buffer.width, first.buffer.channels)
        for input in inputs where (input.buffer.height, input.buffer.width, input.buffer.channels) != shape {
            throw fail(layer.name, "inputs have different shapes", code: .shapeMismatch)
        }
        var sum = first.buffer
        for input in inputs.dropFirst() {
            let output = allocate(height: shape.0, width: shape.1, channels: shape.2)
            ops.append(.add(a: sum, b: input.buffer, activation: .none, output: output))
            sum = output
        }
        return Node(buffer: sum, producer: ops.count - 1)
    }
}
