import Dispatch

// Runs a `TFLiteModel` on this core's kernels. Everything is decided at construction: constant weights are
// folded (DENSIFY, DEQUANTIZE) and converted to the kernels' layouts, every activation tensor gets an offset
// in one arena (tensors whose lifetimes do not overlap share memory; RESHAPE outputs alias their input), and
// the graph becomes a flat list of kernel calls with fixed pointers. `invoke()` then allocates nothing.

/// An executable plan for one model. Not thread-safe: one interpreter per thread (or behind a lock).
public final class TFLiteInterpreter {
    /// The model it runs.
    public let model: TFLiteModel
    private let arena: TensorArena
    private let weights: UnsafeMutablePointer<Float>
    private let weightCount: Int
    private let steps: [TFLiteStep]
    private let offsets: [Int: Int]
    /// Total floats of activation memory (for reports).
    public var arenaFloats: Int { arena.count }

    /// Plans `model`; throws if an operator, option or shape is not supported, naming it.
    public init(model: TFLiteModel) throws(NeuralError) {
        self.model = model
        var planner = try TFLitePlanner(model: model)
        try planner.plan()
        weightCount = planner.weightStore.count
        weights = .allocate(capacity: max(1, weightCount))
        weights.initialize(from: planner.weightStore, count: weightCount)
        arena = TensorArena(count: planner.arenaSize)
        offsets = planner.offsets
        steps = planner.makeSteps(arena: arena.base, weights: weights)
    }

    deinit { weights.deallocate() }

    /// Pointer to graph input `i` (write the input here before `invoke()`).
    public func input(_ i: Int = 0) -> UnsafeMutablePointer<Float> {
        arena.pointer(at: offsets[model.inputs[i]] ?? 0)
    }

    /// Shape of graph input `i`.
    public func inputShape(_ i: Int = 0) -> [Int] { model.tensors[model.inputs[i]].shape }

    /// Graph output `i` after `invoke()`.
    public func output(_ i: Int) -> UnsafeBufferPointer<Float> {
        let t = model.outputs[i]
        return UnsafeBufferPointer(start: arena.pointer(at: offsets[t] ?? 0), count: model.tensors[t].count)
    }

    /// Index of the graph output whose tensor is called `name`.
    public func outputIndex(named name: String) -> Int? {
        model.outputs.firstIndex { model.tensors[$0].name == name }
    }

    /// Multiply-accumulates of one `invoke()` (convolutions, 1×1 included, and depthwise convolutions): the
    /// work a run cannot avoid, for turning a time into a rate.
    public var multiplyAccumulates: Int { steps.reduce(0) { $0 + $1.multiplyAccumulates } }

    /// Mean milliseconds per step kind over `runs` runs (for finding hot spots; uses the current input).
    public func profile(runs: Int) -> [(kind: String, milliseconds: Double)] {
        var totals: [String: UInt64] = [:]
        for _ in 0..<max(1, runs) {
            for step in steps {
                let start = DispatchTime.now().uptimeNanoseconds
                step.run()
                totals[step.kind, default: 0] += DispatchTime.now().uptimeNanoseconds - start
            }
        }
        return totals.map { ($0.key, Double($0.value) / 1e6 / Double(max(1, runs))) }.sorted { $0.milliseconds > $1.milliseconds }
    }

    /// Runs the graph once on the current input.
    public func invoke() {
        for step in steps { step.run() }
    }
}
