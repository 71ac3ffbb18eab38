import Dispatch

// Compiles a `Graph` once: applies the plan-level fusions (Graph+Fusion.swift), copies the constants into one
// block, prepares each convolution's weights for its kernel (packed for the GEMM, or transformed for Winograd),
// places every activation in one arena by lifetime (`ArenaPlanner`: values whose lifetimes do not overlap share
// memory; a reshape shares its input's) and binds each node to its kernel call. A run is then a loop over
// those calls that allocates nothing; the same loop, timed, is the profiler.

/// An executable inference plan. Immutable and `Sendable`; each thread runs it in its own `Workspace`.
public final class Plan: @unchecked Sendable {
    /// How a graph is compiled.
    public struct Options: Sendable {
        /// Apply the plan-level fusions.
        public var fuse: Bool
        /// Largest im2col scratch in floats: a stride-1 convolution needing more runs in bands of output rows.
        public var scratchLimit: Int
        /// Largest arena a plan may need, in floats (a model file is input: an absurd one is refused).
        public var maxArenaFloats: Int

        public init(fuse: Bool = true, scratchLimit: Int = 1 << 21, maxArenaFloats: Int = 1 << 26) {
            self.fuse = fuse
            self.scratchLimit = scratchLimit
            self.maxArenaFloats = maxArenaFloats
        }
    }

    /// The memory one run uses. Not thread-safe: one per thread.
    public final class Workspace {
        let arena: TensorArena
        init(count: Int) { arena = TensorArena(count: count) }
    }

    /// One node's time in a profile.
    public struct StepTime: Sendable {
        /// `Op.summary` of the node.
        public var summary: String
        /// `Op.kind` of the node.
        public var kind: String
        /// Mean nanoseconds per run.
        public var nanoseconds: Double
    }

    /// The graph as it runs (after fusion), without its constants (the plan holds them in its own block).
    public let graph: Graph
    /// Floats of activation and scratch memory one run needs.
    public let arenaFloats: Int
    private let offsets: [Int]
    private let weights: UnsafeMutablePointer<Float>
    /// One kernel call per node (each closure holds the packed or Winograd weights it uses).
    private let steps: [(UnsafeMutablePointer<Float>) -> Void]

    /// Compiles `graph`; throws if it is malformed (a value read before it is written, a constant or buffer too
    /// small for its op) or needs more memory than `options.maxArenaFloats`.
    /// The graph is consumed: pass it without keeping a copy, and each constant is freed as it is copied into the
    /// plan's block (loading a model then needs the weights once, not twice).
    public init(_ graph: consuming Graph, options: Options = Options()) throws(NeuralError) {
        var graph = consume graph
        if options.fuse { graph.fuse() }
        try graph.validate()
        // Constants in one block, each 16-float aligned; the graph keeps none.
        var constantOffsets = [Int](), total = 0
        for c in graph.constants {
            constantOffsets.append(total)
            total += (c.count + 15) / 16 * 16
        }
        let block = UnsafeMutablePointer<Float>.allocate(capacity: max(1, total))
        block.initialize(repeating: 0, count: max(1, total))
        for (i, offset) in constantOffsets.enumerated() {
            graph.constants[i].withUnsafeBufferPointer { c in
                if let base = c.baseAddress { (block + offset).update(from: base, count: c.count) }
            }
            graph.constants[i] = []
        }
        weights = block
        // Lifetimes of memory roots: inputs from step 0, node n at step n + 1, inputs and outputs to the end.
        let end = graph.nodes.count + 1
        var first = [Int: Int](), last = [Int: Int]()
        func touch(_ v: ValueID, _ step: Int) {
            let r = graph.root(v).index
            first[r] = min(first[r] ?? step, step)
            last[r] = max(last[r] ?? step, step)
        }
        for v in graph.inputs { touch(v, 0); touch(v, end) }
        for (n, node) in graph.nodes.enumerated() {
            for v in node.op.inputs { touch(v, n + 1) }
            touch(node.output, n + 1)
        }
        for v in graph.outputs { touch(v, end) }
        let roots = first.keys.sorted()
        var sizes = [Int: Int]()
        for (i, value) in graph.values.enumerated() {
            let r = graph.root(ValueID(index: i)).index
            sizes[r] = max(sizes[r] ?? 0, value.count)
        }
        let placement = ArenaPlanner(roots.map { ArenaPlanner.Buffer(size: sizes[$0] ?? 0, first: first[$0]!, last: last[$0]!) })
        var rootOffset = [Int: Int]()
        for (r, o) in zip(roots, placement.offsets) { rootOffset[r] = o }
        offsets = graph.values.indices.map { rootOffset[graph.root(ValueID(index: $0)).index] ?? 0 }
        // Bind every node.
        var binder = StepBinder(graph: graph, offsets: offsets, weights: weights, constantOffsets: constantOffsets,
                                scratchOffset: placement.size, scratchLimit: options.scratchLimit)
        steps = graph.nodes.map { binder.bind($0) }
        self.graph = graph
        arenaFloats = placement.size + (binder.scratchFloats + 15) / 16 * 16
        // (A throw from here on runs `deinit`, which frees the constants.)
        guard arenaFloats <= options.maxArenaFloats else {
            throw NeuralError(.malformedModel, "the activations need \(arenaFloats) floats, over the limit of "
                              + "\(options.maxArenaFloats)")
        }
    }

    deinit { weights.deallocate() }

    /// Memory for running this plan on one thread.
    public func makeWorkspace() -> Workspace { Workspace(count: arenaFloats) }

    /// Where graph input `i` goes in `workspace` (write it there before `run`).
    public func input(_ i: Int = 0, in workspace: Workspace) -> UnsafeMutablePointer<Float> {
        workspace.arena.pointer(at: offsets[graph.inputs[i].index])
    }

    /// Graph output `i` in `workspace` after `run`.
    public func output(_ i: Int = 0, in workspace: Workspace) -> UnsafeBufferPointer<Float> {
        let v = graph.outputs[i]
        return UnsafeBufferPointer(start: workspace.arena.pointer(at: offsets[v.index]), count: graph.count(v))
    }

    /// Runs every node once on the inputs in `workspace`.
    public func run(in workspace: Workspace) {
        precondition(workspace.arena.count >= arenaFloats, "a workspace of another plan")
        let base = workspace.arena.base
        for step in steps { step(base) }
    }

    /// Each node's mean time over `runs` runs on the inputs in `workspace`, in execution order.
    public func profile(in workspace: Workspace, runs: Int) -> [StepTime] {
        precondition(workspace.arena.count >= arenaFloats, "a workspace of another plan")
        let base = workspace.arena.base
        var totals = [UInt64](repeating: 0, count: steps.count)
        for _ in 0 ..< max(1, runs) {
            for (i, step) in steps.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                step(base)
                totals[i] += DispatchTime.now().uptimeNanoseconds - start
            }
        }
        return zip(graph.nodes, totals).map { node, ns in
            StepTime(summary: node.op.summary, kind: node.op.kind, nanoseconds: Double(ns) / Double(max(1, runs)))
        }
    }

    /// Multiply-accumulates of one run: the work a run cannot avoid, for turning a time into a rate.
    public var multiplyAccumulates: Int { graph.nodes.reduce(0) { $0 + $1.op.multiplyAccumulates } }
}

extension [Plan.StepTime] {
    /// Mean milliseconds per op summary, largest first (for finding hot spots).
    public func millisecondsBySummary() -> [(kind: String, milliseconds: Double)] {
        reduce(into: [String: Double]()) { $0[$1.summary, default: 0] += $1.nanoseconds / 1e6 }
            .map { ($0.key, $0.value) }.sorted { $0.milliseconds > $1.milliseconds }
    }
}
