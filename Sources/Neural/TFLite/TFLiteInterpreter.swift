// Runs a `TFLiteModel` on Neural's plan: the model is lowered to a `Graph` (TFLiteModel+Graph.swift) and
// compiled into a `Plan` with one workspace, so `invoke()` allocates nothing.

/// A TFLite model compiled for this core's kernels, with its own workspace. Not thread-safe: one interpreter
/// per thread (or behind a lock).
public final class TFLiteInterpreter {
    /// The model it runs.
    public let model: TFLiteModel
    /// The compiled plan.
    public let plan: Plan
    private let workspace: Plan.Workspace
    /// Total floats of activation memory (for reports).
    public var arenaFloats: Int { plan.arenaFloats }

    /// Lowers and plans `model`; throws if an operator, option or shape is not supported, naming it.
    public init(model: TFLiteModel) throws(NeuralError) {
        self.model = model
        plan = try Plan(try model.graph())
        workspace = plan.makeWorkspace()
    }

    /// Pointer to graph input `i` (write the input here before `invoke()`).
    public func input(_ i: Int = 0) -> UnsafeMutablePointer<Float> { plan.input(i, in: workspace) }

    /// Shape of graph input `i`.
    public func inputShape(_ i: Int = 0) -> [Int] { model.tensors[model.inputs[i]].shape }

    /// Graph output `i` after `invoke()`.
    public func output(_ i: Int) -> UnsafeBufferPointer<Float> { plan.output(i, in: workspace) }

    /// Index of the graph output whose tensor is called `name`.
    public func outputIndex(named name: String) -> Int? {
        model.outputs.firstIndex { model.tensors[$0].name == name }
    }

    /// Multiply-accumulates of one `invoke()`.
    public var multiplyAccumulates: Int { plan.multiplyAccumulates }

    /// Mean milliseconds per op summary over `runs` runs, largest first (uses the current input).
    public func profile(runs: Int) -> [(kind: String, milliseconds: Double)] {
        plan.profile(in: workspace, runs: runs).millisecondsBySummary()
    }

    /// Runs the graph once on the current input.
    public func invoke() { plan.run(in: workspace) }
}
