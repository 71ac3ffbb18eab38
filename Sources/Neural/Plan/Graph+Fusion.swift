// The plan-level fusions `Plan` applies before placing activations (each saves a pass over memory):
// - a zero PAD of height and width read only by a 3×3 depthwise convolution with no padding becomes that
//   convolution's padding (the kernel reads cells outside the image as zeros);
// - an ADD that is the only reader of a convolution's output (no activation, same shapes) becomes the
//   convolution's residual: the GEMM (or Winograd) adds it as it stores each tile;
// - a PAD that only appends zero channels, read only as a pointwise convolution's residual, disappears: the
//   convolution reads the unpadded tensor as a narrower residual (its GEMM adds nothing to the extra channels);
// - a ReLU/ReLU6 that is the only reader of an op's output becomes that op's activation.

extension Graph {
    /// This graph with the fusions above applied.
    public func fused() -> Graph {
        var graph = self
        graph.fuse()
        return graph
    }

    /// Applies the fusions above in place.
    mutating func fuse() {
        foldPads()
        fuseResiduals()
        foldChannelPads()
        fuseActivations()
    }

    /// How many nodes read each value (graph outputs and reshapes count as readers).
    func readers() -> [Int] {
        var count = [Int](repeating: 0, count: values.count)
        for node in nodes { for v in node.op.inputs { count[v.index] += 1 } }
        for v in outputs { count[v.index] += 1 }
        for value in values { if let a = value.alias { count[a.index] += 1 } }
        return count
    }

    /// Index of the one node reading `value`, when exactly one does.
    private func soleReader(of value: ValueID, _ readers: [Int]) -> Int? {
        guard readers[value.index] == 1 else { return nil }
        return nodes.firstIndex { $0.op.inputs.contains(value) }
    }

    /// Drops the nodes at `indices` (ones a fusion merged into another).
    private mutating func removeNodes(_ indices: Set<Int>) {
        nodes = nodes.enumerated().filter { !indices.contains($0.offset) }.map(\.element)
    }

    private mutating func foldPads() {
        let readers = readers()
        var removed = Set<Int>()
        for (i, node) in nodes.enumerated() {
            guard case let .pad(input, padding, 0, 0) = node.op, let j = soleReader(of: node.output, readers),
                  case let .depthwise(dwInput, w, b, g, act) = nodes[j].op, dwInput == node.output,
                  g.kernelHeight == 3, g.kernelWidth == 3, g.padding == .zero,
                  let (h, width, _) = hwc(input) else { continue }
            var folded = g
            folded.inHeight = h
            folded.inWidth = width
            folded.padding = padding
            guard folded.outHeight == g.outHeight, folded.outWidth == g.outWidth else { continue }
            nodes[j].op = .depthwise(input: input, weights: w, bias: b, geometry: folded, activation: act)
            removed.insert(i)
        }
        removeNodes(removed)
    }

    private mutating func fuseResiduals() {
        let readers = readers()
        var removed = Set<Int>()
        for (i, node) in nodes.enumerated() {
            guard case let .conv(input, w, b, g, .none, nil, winograd) = node.op,
                  let j = soleReader(of: node.output, readers), !removed.contains(j),
                  case let .add(x, y, act) = nodes[j].op, x != y else { continue }
            let other = x == node.output ? y : x
            let out = nodes[j].output
            guard shape(other) == shape(node.output), shape(out) == shape(node.output) else { continue }
            // The fused convolution runs where the ADD ran: its inputs are all written by then.
            nodes[j] = Node(op: .conv(input: input, weights: w, bias: b, geometry: g, activation: act, residual: other,
                                      winograd: winograd), output: out)
            removed.insert(i)
        }
        removeNodes(removed)
    }

    private mutating func foldChannelPads() {
        let readers = readers()
        var removed = Set<Int>()
        for (i, node) in nodes.enumerated() {
            guard case let .pad(input, padding, 0, after) = node.op, padding == .zero, after > 0,
                  let j = soleReader(of: node.output, readers),
                  case let .conv(x, w, b, g, act, residual?, winograd) = nodes[j].op, residual == node.output,
                  x != node.output, g.isPointwise else { continue }
            nodes[j].op = .conv(input: x, weights: w, bias: b, geometry: g, activation: act, residual: input,
                                winograd: winograd)
            removed.insert(i)
        }
        removeNodes(removed)
    }

    private mutating func fuseActivations() {
        let readers = readers()
        var removed = Set<Int>()
        for (i, node) in nodes.enumerated() where !removed.contains(i) {
            guard let j = soleReader(of: node.output, readers), case let .activation(_, act) = nodes[j].op,
                  act != .none, count(nodes[j].output) == count(node.output),
                  let fused = node.op.fusing(act) else { continue }
            nodes[i] = Node(op: fused, output: nodes[j].output)
            removed.insert(j)
        }
        removeNodes(removed)
    }
}
