@testable import Neural
import Testing

/// Neural's one inference plan: the arena planner, the plan-level fusions, banded convolutions, validation,
/// and the run loop against the naive kernels.
@Suite struct PlanTests {
    @Test func buffersShareMemoryOnlyWhenTheirLifetimesDoNotOverlap() {
        let buffers = [ArenaPlanner.Buffer(size: 100, first: 0, last: 1), ArenaPlanner.Buffer(size: 50, first: 1, last: 2),
                       ArenaPlanner.Buffer(size: 100, first: 2, last: 3), ArenaPlanner.Buffer(size: 30, first: 0, last: 3)]
        let placed = ArenaPlanner(buffers)
        func overlap(_ i: Int, _ j: Int) -> Bool {
            let a = placed.offsets[i], b = placed.offsets[j]
            return a < b + buffers[j].size && b < a + buffers[i].size
        }
        for i in buffers.indices {
            #expect(placed.offsets[i] % ArenaPlanner.alignment == 0)
            for j in buffers.indices where i < j {
                let live = !(buffers[i].last < buffers[j].first || buffers[j].last < buffers[i].first)
                if live { #expect(!overlap(i, j), "buffers \(i) and \(j) live together but overlap") }
            }
        }
        // Buffers 0 and 2 never live together: they share, so the arena is smaller than the sum.
        #expect(placed.offsets[0] == placed.offsets[2])
        #expect(placed.size < buffers.reduce(0) { $0 + $1.size })
    }

    /// input → pad → depthwise 3×3 → conv 1×1 → add(input') → relu, and a conv → relu, with random weights.
    static func fusableGraph(_ random: inout TestRandom) -> Graph {
        var g = Graph()
        let (h, w, c) = (6, 5, 4)
        let input = g.addInput(shape: [1, h, w, c])
        let padded = g.add(.pad(input: input, padding: .uniform(1), channelsBefore: 0, channelsAfter: 0), shape: [1, h + 2, w + 2, c])
        let dwGeometry = Conv2DGeometry(inHeight: h + 2, inWidth: w + 2, inChannels: c, outChannels: c, kernelHeight: 3, kernelWidth: 3)
        let dw = g.add(.depthwise(input: padded, weights: g.addConstant(random.floats(9 * c)), bias: g.addConstant(random.floats(c)),
                                  geometry: dwGeometry, activation: .none), shape: [1, h, w, c])
        let pointwise = Conv2DGeometry(inHeight: h, inWidth: w, inChannels: c, outChannels: c, kernelHeight: 1, kernelWidth: 1)
        let conv = g.add(.conv(input: dw, weights: g.addConstant(random.floats(c * c)), bias: g.addConstant(random.floats(c)),
                               geometry: pointwise, activation: .none, residual: nil, winograd: false), shape: [1, h, w, c])
        let sum = g.add(.add(input, conv, activation: .none), shape: [1, h, w, c])
        let relu = g.add(.activation(input: sum, .relu6), shape: [1, h, w, c])
        let g3 = Conv2DGeometry(inHeight: h, inWidth: w, inChannels: c, outChannels: 8, kernelHeight: 3, kernelWidth: 3,
                                strideHeight: 2, strideWidth: 2, padding: .uniform(1))
        let head = g.add(.conv(input: relu, weights: g.addConstant(random.floats(g3.weightCount)), bias: nil, geometry: g3,
                               activation: .none, residual: nil, winograd: false), shape: [g3.outHeight, g3.outWidth, 8])
        let out = g.add(.activation(input: head, .relu), shape: [g3.outHeight, g3.outWidth, 8])
        g.outputs = [out]
        return g
    }

    @Test func fusionsGiveTheUnfusedResults() throws {
        var random = TestRandom(seed: 7)
        let graph = Self.fusableGraph(&random)
        let input = random.floats(graph.count(graph.inputs[0]))
        func run(_ plan: Plan) -> [Float] {
            let workspace = plan.makeWorkspace()
            plan.input(in: workspace).update(from: input, count: input.count)
            plan.run(in: workspace)
            plan.run(in: workspace)  // inputs stay intact through a run
            return Array(plan.output(in: workspace))
        }
        let fused = try Plan(graph), plain = try Plan(graph, options: .init(fuse: false))
        #expect(graph.opCounts == ["pad": 1, "depthwise": 1, "conv": 2, "add": 1, "activation": 2])
        // PAD folded into the depthwise, ADD into the 1×1 convolution, both ReLUs into their producers.
        #expect(fused.graph.opCounts == ["depthwise": 1, "conv": 2])
        #expect(maxRelativeError(run(fused), run(plain)) < 1e-5)
    }

    /// BlazeFace's shortcut with more channels out than in: x → depthwise → conv 1×1 (c → c + 4) + pad(x, 4 zero
    /// channels) → ReLU. The PAD disappears (the convolution reads x as a narrower residual); same results.
    @Test func aChannelPadReadAsAResidualFoldsIntoTheConvolution() throws {
        var random = TestRandom(seed: 8)
        for (h, w, c, extra) in [(16, 16, 24, 4), (8, 8, 88, 8), (5, 3, 7, 13)] {
            var g = Graph()
            let x = g.addInput(shape: [1, h, w, c])
            let dwGeometry = Conv2DGeometry(inHeight: h, inWidth: w, inChannels: c, outChannels: c, kernelHeight: 3,
                                            kernelWidth: 3, padding: .uniform(1))
            let dw = g.add(.depthwise(input: x, weights: g.addConstant(random.floats(9 * c)), bias: g.addConstant(random.floats(c)),
                                      geometry: dwGeometry, activation: .none), shape: [1, h, w, c])
            let pointwise = Conv2DGeometry(inHeight: h, inWidth: w, inChannels: c, outChannels: c + extra, kernelHeight: 1,
                                           kernelWidth: 1)
            let conv = g.add(.conv(input: dw, weights: g.addConstant(random.floats(c * (c + extra))),
                                   bias: g.addConstant(random.floats(c + extra)), geometry: pointwise, activation: .none,
                                   residual: nil, winograd: false), shape: [1, h, w, c + extra])
            let padded = g.add(.pad(input: x, padding: .zero, channelsBefore: 0, channelsAfter: extra), shape: [1, h, w, c + extra])
            let sum = g.add(.add(conv, padded, activation: .none), shape: [1, h, w, c + extra])
            g.outputs = [g.add(.activation(input: sum, .relu), shape: [1, h, w, c + extra])]
            let input = random.floats(h * w * c)
            func run(_ plan: Plan) -> [Float] {
                let workspace = plan.makeWorkspace()
                plan.input(in: workspace).update(from: input, count: input.count)
                plan.run(in: workspace)
                return Array(plan.output(in: workspace))
            }
            let fused = try Plan(g), plain = try Plan(g, options: .init(fuse: false))
            #expect(fused.graph.opCounts == ["depthwise": 1, "conv": 1], "\(h)×\(w)×\(c)+\(extra)")
            #expect(maxRelativeError(run(fused), run(plain)) < 1e-5, "\(h)×\(w)×\(c)+\(extra)")
        }
    }

    @Test func aNarrowResidualIsRefusedWhereOnlyAFullOneFits() {
        // A 3×3 convolution (not pointwise) with a residual of fewer channels than its output.
        var graph = Graph(), random = TestRandom(seed: 1)
        let x = graph.addInput(shape: [4, 4, 2])
        let r = graph.addInput(shape: [4, 4, 1])
        let g = Conv2DGeometry(inHeight: 4, inWidth: 4, inChannels: 2, outChannels: 3, kernelHeight: 3, kernelWidth: 3,
                               padding: .uniform(1))
        graph.outputs = [graph.add(.conv(input: x, weights: graph.addConstant(random.floats(g.weightCount)),
                                         bias: nil, geometry: g, activation: .none, residual: r, winograd: false),
                                   shape: [4, 4, 3])]
        #expect(throws: NeuralError.self) { try Plan(graph) }
    }

    @Test(arguments: [(3, 1), (5, 2), (3, 0)])
    func bandedConvolutionEqualsTheNaiveKernel(kernel: Int, pad: Int) throws {
        var random = TestRandom(seed: UInt64(kernel * 10 + pad))
        let geometry = Conv2DGeometry(inHeight: 11, inWidth: 7, inChannels: 3, outChannels: 5, kernelHeight: kernel,
                                      kernelWidth: kernel, padding: .uniform(pad))
        let (input, weights, bias) = (random.floats(geometry.inCount), random.floats(geometry.weightCount), random.floats(5))
        var graph = Graph()
        let x = graph.addInput(shape: [11, 7, 3])
        graph.outputs = [graph.add(.conv(input: x, weights: graph.addConstant(weights), bias: graph.addConstant(bias),
                                         geometry: geometry, activation: .relu, residual: nil, winograd: false),
                                   shape: [geometry.outHeight, geometry.outWidth, 5])]
        var naive = [Float](repeating: 0, count: geometry.outCount)
        conv2dNaive(input: input, weights: weights, bias: bias, output: &naive, geometry: geometry, activation: .relu)
        // Scratch for 1, 2 and all output rows of windows: one band per row, bands of two, one band.
        let rowCost = geometry.outWidth * kernel * kernel * 3
        for limit in [rowCost, 2 * rowCost + 1, geometry.scratchCount] {
            let plan = try Plan(graph, options: .init(scratchLimit: limit))
            let workspace = plan.makeWorkspace()
            plan.input(in: workspace).update(from: input, count: input.count)
            plan.run(in: workspace)
            #expect(maxRelativeError(Array(plan.output(in: workspace)), naive) < 1e-5, "scratch limit \(limit)")
        }
    }

    @Test func zeroExtendedAddMatchesItsReference() {
        let a = HWCShape(height: 3, width: 3, channels: 2), b = HWCShape(height: 4, width: 4, channels: 4)
        let x = (0 ..< a.count).map { Float($0) * 0.5 }, y = (0 ..< b.count).map { Float($0) - 20 }
        var out = [Float](repeating: .nan, count: b.count)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                out.withUnsafeMutableBufferPointer { op in
                    addZeroExtended(xp.baseAddress!, a, yp.baseAddress!, b, output: op.baseAddress!, b, activation: .none)
                }
            }
        }
        #expect(out == addZeroExtendedNaive(x, a, y, b))
    }

    @Test func refusesMalformedGraphs() {
        var graph = Graph()
        let x = graph.addInput(shape: [4, 4, 2])
        var later = graph
        // A value read before anything writes it.
        let unwritten = later.add(.activation(input: x, .relu), shape: [4, 4, 2])
        later.nodes.removeAll()
        later.outputs = [unwritten]
        #expect(throws: NeuralError.self) { try Plan(later) }
        // A convolution whose weights are too few for its geometry.
        let g = Conv2DGeometry(inHeight: 4, inWidth: 4, inChannels: 2, outChannels: 3, kernelHeight: 3, kernelWidth: 3)
        graph.outputs = [graph.add(.conv(input: x, weights: graph.addConstant([1, 2, 3]), bias: nil, geometry: g,
                                         activation: .none, residual: nil, winograd: false), shape: [2, 2, 3])]
        #expect(throws: NeuralError.self) { try Plan(graph) }
        // An arena over the limit.
        var big = Graph()
        let input = big.addInput(shape: [1000, 1000, 3])
        big.outputs = [big.add(.activation(input: input, .relu), shape: [1000, 1000, 3])]
        #expect(throws: NeuralError.self) { try Plan(big, options: .init(maxArenaFloats: 1 << 20)) }
    }
}
