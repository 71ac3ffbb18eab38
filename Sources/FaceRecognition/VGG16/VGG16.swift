import Neural

/// The VGG16 backbone (torchvision / Keras configuration D) on Neural's plan: 224×224×3 → fc7 (4,096 features
/// after ReLU) and the head (class logits, their softmax, and the softmax L2-normalised, which is the vector the
/// original design matched faces by).
///
/// The weights are lowered to a `Graph` (`VGG16Weights.graph()`) and compiled into a `Plan`. Convolutions with
/// 16 or more input channels run through Winograd F(4×4, 3×3) on Neural's GEMM (weights transformed at `init`:
/// 4× the convolution weights' memory); the first one, and all of them when OpenBLAS is the active GEMM, as
/// im2col + GEMM, which the plan runs in bands of output rows so the im2col scratch stays ≤ 8 MiB instead of
/// the 115 MB a whole-image im2col of block 1 would need. One instance serves one thread at a time; set the
/// kernels' threads with `BLAS.setThreads(_:)`.
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

    /// The layer listing (op kind → count), checked against the weights in the tests: 13 convolutions, 5 max
    /// pools, 3 fully connected layers.
    public static let layerListing: [String: Int] = ["conv": 13, "max pool": 5, "fully connected": 3]

    /// Classes of the last fully connected layer (2,622 for VGG-Face). The weights themselves live only in the
    /// plan: keeping `VGG16Weights` too would hold its 553 MB twice.
    public let classCount: Int
    /// The compiled network.
    public let plan: Plan
    private let workspace: Plan.Workspace

    /// A network over `weights` (allocates ~33 MB of activations and scratch).
    public init(weights: VGG16Weights) {
        classCount = weights.classCount
        // The graph is built from checked weights (`VGG16Weights.init`), so compiling it cannot fail.
        do {
            plan = try Plan(weights.graph())
        } catch {
            preconditionFailure("VGG16's own graph does not compile: \(error)")
        }
        workspace = plan.makeWorkspace()
    }

    /// Runs the network on a 224×224×3 HWC input already preprocessed for the weights' source (see
    /// `VGG16Preprocessing`). A wrong input size throws.
    public func forward(_ input: [Float]) throws(NeuralError) -> Output {
        let side = VGG16Weights.inputSize
        guard input.count == side * side * 3 else {
            throw NeuralError(.shapeMismatch, "VGG16 input has \(input.count) values, expected 224×224×3 = \(side * side * 3)")
        }
        plan.input(in: workspace).update(from: input, count: input.count)
        plan.run(in: workspace)
        let features = Array(plan.output(0, in: workspace))
        let logits = Array(plan.output(1, in: workspace))
        var probabilities = logits
        probabilities.withUnsafeMutableBufferPointer { p in
            if let base = p.baseAddress { softmax(base, count: p.count) }
        }
        return Output(logits: logits, head: l2Normalized(probabilities), fc7: features)
    }
}

extension VGG16Weights {
    /// The network as a `Graph`: input 224×224×3, outputs fc7 (after ReLU) and the head's logits.
    public func graph() -> Graph {
        var graph = Graph()
        let side = Self.inputSize
        var current = graph.addInput(shape: [side, side, 3], name: "input")
        var height = side, width = side, channels = 3
        for (index, conv) in convolutions.enumerated() {
            let geometry = Conv2DGeometry(inHeight: height, inWidth: width, inChannels: channels, outChannels: conv.outChannels,
                                          kernelHeight: 3, kernelWidth: 3, padding: .uniform(1))
            current = graph.add(.conv(input: current, weights: graph.addConstant(conv.weights), bias: graph.addConstant(conv.bias),
                                      geometry: geometry, activation: .relu, residual: nil, winograd: channels >= 16),
                                shape: [height, width, conv.outChannels], name: "conv\(index + 1)")
            channels = conv.outChannels
            if Self.poolAfter.contains(index) {
                let pool = Conv2DGeometry(inHeight: height, inWidth: width, inChannels: channels, outChannels: channels,
                                          kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2)
                height = pool.outHeight
                width = pool.outWidth
                current = graph.add(.maxPool(input: current, geometry: pool, activation: .none), shape: [height, width, channels])
            }
        }
        // current: 7×7×512, flattened HWC.
        var outputs: [ValueID] = []
        for (index, layer) in dense.enumerated() {
            current = graph.add(.fullyConnected(input: current, weights: graph.addConstant(layer.weights),
                                                bias: graph.addConstant(layer.bias), inCount: layer.inCount,
                                                outCount: layer.outCount, activation: index < 2 ? .relu : .none),
                                shape: [layer.outCount], name: ["fc6", "fc7", "head"][index])
            outputs.append(current)
        }
        graph.outputs = [outputs[1], outputs[2]]
        return graph
    }
}
