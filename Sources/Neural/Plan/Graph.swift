// A model as Neural runs it: float32 values, constant arrays, and nodes in execution order. Readers build one
// (`TFLiteModel.graph()`, `DlibNetworkFile+Graph`, the Keras lowering in KerasHDF5, VGG16's own) and `Plan`
// compiles it.

/// A computation graph of `Op`s: each node writes one new value from earlier values and constants.
public struct Graph: Sendable {
    /// A float32 value: its shape and a name for messages.
    public struct Value: Sendable {
        public var shape: [Int]
        public var name: String
        /// The value whose memory this one shares (a reshape), if any.
        public var alias: ValueID?
        /// Element count.
        public var count: Int { shape.reduce(1, *) }
    }

    /// One op and the value it writes.
    public struct Node: Sendable {
        public var op: Op
        public var output: ValueID
    }

    public private(set) var values: [Value] = []
    /// Nodes in execution order (every input is written by an earlier node or is a graph input).
    public internal(set) var nodes: [Node] = []
    /// Constant arrays, in the kernels' layouts (emptied in the graph a `Plan` keeps: it holds them itself).
    public internal(set) var constants: [[Float]] = []
    /// Graph inputs, written by the caller before a run.
    public private(set) var inputs: [ValueID] = []
    /// Graph outputs, read after a run.
    public var outputs: [ValueID] = []

    /// An empty graph.
    public init() {}

    /// Adds a graph input.
    public mutating func addInput(shape: [Int], name: String = "input") -> ValueID {
        let id = newValue(shape: shape, name: name)
        inputs.append(id)
        return id
    }

    /// Adds a constant array.
    public mutating func addConstant(_ values: [Float]) -> ConstantID {
        constants.append(values)
        return ConstantID(index: constants.count - 1)
    }

    /// Replaces a constant's values (a reader folding a batch norm into the weights it stored).
    public mutating func setConstant(_ id: ConstantID, _ values: [Float]) { constants[id.index] = values }

    /// Appends `op`, writing a new value of `shape`; returns that value.
    @discardableResult
    public mutating func add(_ op: Op, shape: [Int], name: String = "") -> ValueID {
        let id = newValue(shape: shape, name: name.isEmpty ? op.kind : name)
        nodes.append(Node(op: op, output: id))
        return id
    }

    /// Replaces the op of the node that writes `value` (a reader folding something into it).
    public mutating func replaceOp(writing value: ValueID, with op: Op) {
        guard let index = nodes.firstIndex(where: { $0.output == value }) else { return }
        nodes[index].op = op
    }

    /// The op that writes `value`, if a node does.
    public func op(writing value: ValueID) -> Op? { nodes.last { $0.output == value }?.op }

    /// A value of `shape` sharing `value`'s memory (same element count): a reshape costs nothing.
    public mutating func reshape(_ value: ValueID, to shape: [Int], name: String = "reshape") -> ValueID {
        newValue(shape: shape, name: name, alias: root(value))
    }

    /// The value whose memory `value` uses.
    public func root(_ value: ValueID) -> ValueID {
        var r = value
        while let next = values[r.index].alias { r = next }
        return r
    }

    /// Shape of `value`.
    public func shape(_ value: ValueID) -> [Int] { values[value.index].shape }

    /// Element count of `value`.
    public func count(_ value: ValueID) -> Int { values[value.index].count }

    /// `value`'s shape as height, width and channels (the last three dimensions; leading ones must be 1), or
    /// nil for other ranks.
    public func hwc(_ value: ValueID) -> (height: Int, width: Int, channels: Int)? {
        let s = shape(value)
        guard s.count >= 3, s.dropLast(3).allSatisfy({ $0 == 1 }) else { return nil }
        return (s[s.count - 3], s[s.count - 2], s[s.count - 1])
    }

    /// The layer listing: how many nodes of each `Op.kind` the graph has (what each model's static table is
    /// checked against).
    public var opCounts: [String: Int] {
        nodes.reduce(into: [:]) { $0[$1.op.kind, default: 0] += 1 }
    }

    private mutating func newValue(shape: [Int], name: String, alias: ValueID? = nil) -> ValueID {
        values.append(Value(shape: shape, name: name, alias: alias))
        return ValueID(index: values.count - 1)
    }
}
