import Neural

/// The VGG16 backbone (torchvision / Keras configuration D) on the shared kernels: 224×224×3 → fc7 (4,096
/// features after ReLU) and the head (class logits, their softmax, and the softmax L2-normalised, which is the
/// vector the original design matched faces by).
///
/// Convolutions with 16 or more input channels run through Winograd F(4×4, 3×3) on Neural's GEMM (weights
/// transformed at `init`: 4× the convolution weights' memory); the first one, and all of them when OpenBLAS is
/// the active GEMM, as im2col + GEMM in bands of output rows, so the im2col scratch stays small (≤ 8 MiB)
/// instead of the 115 MB a whole-image im2col of block 1 would need. Activations ping-pong between two buffers
/// allocated once. One instance serves one thread at a time; set the kernels' threads with `BLAS.setThreads(_:)`.
public final class VGG16 {
    /// What one forward pass gives.
    public struct Output: Sendable {
        /// The head's raw outputs (before softmax).
        public var logits: [Float]
        /// softmax(logits), L2-normalised: the design's matching vector.
        public var head: [Float]
        /// fc7 after ReLU (4,096 values).
        public var fc7: [Float]
    }

    /// The weights in use.
    public let weights: VGG16Weights
    private let bufferA: UnsafeMutablePointer<Float>
    private let bufferB: UnsafeMutablePointer<Float>
    private let scratch: UnsafeMutablePointer<Float>
    private let bufferCount = 224 * 224 * 64
    /// Each convolution's Winograd weights (nil: im2col + GEMM).
    private let winograd: [WinogradWeights?]
    /// Floats of im2col scratch: bands of output rows are sized to fit.
    static let scratchBudget = 1 << 21

    /// A network over `weights` (allocates ~33 MB of activations and scratch).
    public init(weights: VGG16Weights) {
        self.weights = weights
        var inChannels = 3
        winograd = weights.convolutions.map { conv in
            defer { inChannels = conv.outChannels }
            guard KernelDispatch.active.gemm == .rollcall, inChannels >= 16 else { return nil }
            return conv.weights.withUnsafeBufferPointer { w in
                WinogradWeights(weights: w.baseAddress!, inChannels: inChannels, outChannels: conv.outChannels)
            }
        }
        bufferA = .allocate(capacity: bufferCount)
        bufferB = .allocate(capacity: bufferCount)
        scratch = .allocate(capacity: Self.scratchBudget)
        bufferA.initialize(repeating: 0, count: bufferCount)
        bufferB.initialize(repeating: 0, count: bufferCount)
        scratch.initialize(repeating: 0, count: Self.scratchBudget)
    }

    deinit {
        bufferA.deallocate()
        bufferB.deallocate()
        scratch.deallocate()
    }

    /// Runs the network on a 224×224×3 HWC input already preprocessed for the weights' source (see
    /// `VGG16Preprocessing`). A wrong input size throws.
    public func forward(_ input: [Float]) throws(NeuralError) -> Output {
        let side = VGG16Weights.inputSize
        guard input.count == side * side * 3 else {
            throw NeuralError(.shapeMismatch, "VGG16 input has \(input.count) values, expected 224×224×3 = \(side * side * 3)")
        }
        bufferA.update(from: input, count: input.count)
        var current = bufferA, other = bufferB
        var height = side, width = side, channels = 3
        for (index, conv) in weights.convolutions.enumerated() {
            conv.weights.withUnsafeBufferPointer { w in
                conv.bias.withUnsafeBufferPointer { b in
                    if let transformed = winograd[index] {
                        let geometry = Conv2DGeometry(inHeight: height, inWidth: width, inChannels: channels,
                                                      outChannels: conv.outChannels, kernelHeight: 3, kernelWidth: 3,
                                                      padding: .uniform(1))
                        conv3x3Winograd(input: current, weights: transformed, bias: b.baseAddress, output: other,
                                        geometry: geometry, activation: .relu)
                        return
                    }
                    Self.convolve(input: current, height: height, width: width, inChannels: channels,
                                  outChannels: conv.outChannels, weights: w, bias: b, output: other,
                                  scratch: scratch, scratchCount: Self.scratchBudget)
                }
            }
            swap(&current, &other)
            channels = conv.outChannels
            if VGG16Weights.poolAfter.contains(index) {
                let geometry = Conv2DGeometry(inHeight: height, inWidth: width, inChannels: channels, outChannels: channels,
                                              kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2)
                maxPool2d(input: current, output: other, geometry: geometry)
                swap(&current, &other)
                height = geometry.outHeight
                width = geometry.outWidth
            }
        }
        // current: 7×7×512, flattened HWC.
        let hidden = VGG16Weights.hiddenCount
        let fc6 = weights.dense[0], fc7 = weights.dense[1], head = weights.dense[2]
        Self.dense(fc6, input: current, output: other, activation: .relu)
        Self.dense(fc7, input: other, output: current, activation: .relu)
        let features = Array(UnsafeBufferPointer(start: current, count: hidden))
        Self.dense(head, input: current, output: other, activation: .none)
        let logits = Array(UnsafeBufferPointer(start: other, count: head.outCount))
        var probabilities = logits
        probabilities.withUnsafeMutableBufferPointer { softmax($0.baseAddress ?? other, count: $0.count) }
        return Output(logits: logits, head: l2Normalized(probabilities), fc7: features)
    }

    private static func dense(_ layer: VGG16Weights.Dense, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                              activation: Activation) {
        layer.weights.withUnsafeBufferPointer { w in
            layer.bias.withUnsafeBufferPointer { b in
                guard let weights = w.baseAddress else { return }
                fullyConnected(input: input, weights: weights, bias: b.baseAddress, output: output,
                               inCount: layer.inCount, outCount: layer.outCount, activation: activation)
            }
        }
    }

    /// 3×3, stride 1, pad 1 convolution + ReLU, in bands of output rows sized to `scratchCount` (which must
    /// hold at least one row's windows, `width·9·inChannels` floats). A band
    /// reads its rows plus one halo row each side; only the image's own top and bottom edges are padded.
    static func convolve(input: UnsafePointer<Float>, height: Int, width: Int, inChannels: Int, outChannels: Int,
                         weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
                         output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, scratchCount: Int) {
        guard let w = weights.baseAddress else { return }
        let rowCost = width * 9 * inChannels
        let bandRows = max(1, min(height, scratchCount / rowCost))
        var top = 0
        while top < height {
            let bottom = min(height, top + bandRows)
            let inStart = max(0, top - 1), inEnd = min(height, bottom + 1)
            let padding = Padding(top: top == 0 ? 1 : 0, left: 1, bottom: bottom == height ? 1 : 0, right: 1)
            let geometry = Conv2DGeometry(inHeight: inEnd - inStart, inWidth: width, inChannels: inChannels,
                                          outChannels: outChannels, kernelHeight: 3, kernelWidth: 3, padding: padding)
            conv2d(input: input + inStart * width * inChannels, weights: w, bias: bias.baseAddress,
                   output: output + top * width * outChannels, geometry: geometry, activation: .relu, scratch: scratch)
            top = bottom
        }
    }
}
