import Neural

/// Every parameter of a VGG16 network (configuration D: 13 3×3 convolutions, 3 fully connected layers), in
/// the inference core's layouts: convolutions [3, 3, cin, cout] (HWIO), fully connected [in, out] with the
/// 25,088 inputs of the first one in HWC order (7×7×512, as a channels-last Flatten gives them).
///
/// Sources: a Keras `.h5` file (`VGG16Weights+Keras.swift`) or the hash-generated test network
/// (`Evaluation/VGG16/VGG16Weights+Hash.swift`). The head's size follows the file (1,000 ImageNet classes, 2,622 VGG-Face
/// identities).
public struct VGG16Weights: Sendable {
    /// One 3×3, stride-1, pad-1 convolution followed by ReLU.
    public struct Convolution: Sendable {
        public var inChannels: Int
        public var outChannels: Int
        /// [3, 3, inChannels, outChannels].
        public var weights: [Float]
        /// [outChannels].
        public var bias: [Float]

        public init(inChannels: Int, outChannels: Int, weights: [Float], bias: [Float]) {
            self.inChannels = inChannels
            self.outChannels = outChannels
            self.weights = weights
            self.bias = bias
        }
    }

    /// One fully connected layer.
    public struct Dense: Sendable {
        public var inCount: Int
        public var outCount: Int
        /// [inCount, outCount].
        public var weights: [Float]
        /// [outCount].
        public var bias: [Float]

        public init(inCount: Int, outCount: Int, weights: [Float], bias: [Float]) {
            self.inCount = inCount
            self.outCount = outCount
            self.weights = weights
            self.bias = bias
        }
    }

    /// Output channels of the 13 convolutions, in order.
    public static let convolutionChannels = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]
    /// Indices of the convolutions followed by a 2×2/2 max pool (the ends of the five blocks).
    public static let poolAfter: Set<Int> = [1, 3, 6, 9, 12]
    /// Input side in pixels.
    public static let inputSize = 224
    /// Inputs of the first fully connected layer (7×7×512).
    public static let flattenedCount = 7 * 7 * 512
    /// Width of fc6 and fc7.
    public static let hiddenCount = 4096

    /// The 13 convolutions.
    public var convolutions: [Convolution]
    /// fc6 (25,088 → 4,096), fc7 (4,096 → 4,096) and the head (4,096 → classes).
    public var dense: [Dense]

    /// Number of classes the head outputs.
    public var classCount: Int { dense.last?.outCount ?? 0 }

    /// Wraps converted arrays, checking every size and that every value is finite.
    public init(convolutions: [Convolution], dense: [Dense]) throws(NeuralError) {
        guard convolutions.count == 13, dense.count == 3 else {
            throw NeuralError(.malformedModel, "VGG16 needs 13 convolutions and 3 dense layers, got \(convolutions.count) and \(dense.count)")
        }
        var channels = 3
        for (index, conv) in convolutions.enumerated() {
            let expected = Self.convolutionChannels[index]
            guard conv.inChannels == channels, conv.outChannels == expected,
                  conv.weights.count == 9 * channels * expected, conv.bias.count == expected else {
                throw NeuralError(.shapeMismatch, "convolution \(index + 1): expected 3×3×\(channels)×\(expected) weights and \(expected) biases, "
                                  + "got \(conv.inChannels)→\(conv.outChannels) with \(conv.weights.count) weights, \(conv.bias.count) biases")
            }
            channels = expected
        }
        let ins = [Self.flattenedCount, Self.hiddenCount, Self.hiddenCount]
        for (index, layer) in dense.enumerated() {
            guard layer.inCount == ins[index], layer.outCount >= 1, (index == 2 || layer.outCount == Self.hiddenCount),
                  layer.weights.count == layer.inCount * layer.outCount, layer.bias.count == layer.outCount else {
                throw NeuralError(.shapeMismatch, "dense layer \(index + 1): expected \(ins[index]) inputs, got \(layer.inCount)→\(layer.outCount) "
                                  + "with \(layer.weights.count) weights, \(layer.bias.count) biases")
            }
        }
        for conv in convolutions where !(conv.weights.allSatisfy(\.isFinite) && conv.bias.allSatisfy(\.isFinite)) {
            throw NeuralError(.malformedModel, "a convolution holds NaN or infinite values")
        }
        for layer in dense where !(layer.weights.allSatisfy(\.isFinite) && layer.bias.allSatisfy(\.isFinite)) {
            throw NeuralError(.malformedModel, "a dense layer holds NaN or infinite values")
        }
        self.convolutions = convolutions
        self.dense = dense
    }
}
