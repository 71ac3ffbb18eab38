import Neural
import Testing

/// Every fast kernel against its naive reference on random sizes (odd sizes, channel counts that leave SIMD
/// tails, strides, asymmetric padding).
@Suite struct KernelTests {
    static func randomGeometry(_ rng: inout TestRandom, depthwise: Bool) -> Conv2DGeometry {
        while true {
            let kh = rng.int(1...5), kw = rng.int(1...5)
            let cin = rng.int(1...19)
            let g = Conv2DGeometry(
                inHeight: rng.int(1...13), inWidth: rng.int(1...13), inChannels: cin,
                outChannels: depthwise ? cin : rng.int(1...17), kernelHeight: kh, kernelWidth: kw,
                strideHeight: rng.int(1...3), strideWidth: rng.int(1...3),
                padding: Padding(top: rng.int(0...2), left: rng.int(0...2), bottom: rng.int(0...2), right: rng.int(0...2)))
            if g.isValid { return g }
        }
    }

    @Test func conv2dMatchesNaive() {
        BLAS.setThreads(1)
        var rng = TestRandom(seed: 1)
        for trial in 0..<60 {
            var g = Self.randomGeometry(&rng, depthwise: false)
            if trial % 5 == 0 { g.kernelHeight = 1; g.kernelWidth = 1; g.strideHeight = 1; g.strideWidth = 1; g.padding = .zero }
            let input = rng.floats(g.inCount), weights = rng.floats(g.weightCount), bias = rng.floats(g.outChannels)
            let activation: Activation = [.none, .relu, .relu6][trial % 3]
            let useBias = trial % 2 == 0
            var fast = [Float](repeating: .nan, count: g.outCount), slow = fast
            var scratch = [Float](repeating: .nan, count: max(1, g.scratchCount))
            bias.withUnsafeBufferPointer { b in
                conv2d(input: input, weights: weights, bias: useBias ? b.baseAddress : nil, output: &fast, geometry: g,
                       activation: activation, scratch: &scratch)
                conv2dNaive(input: input, weights: weights, bias: useBias ? b.baseAddress : nil, output: &slow,
                            geometry: g, activation: activation)
            }
            #expect(maxRelativeError(fast, slow) < 1e-5, "trial \(trial): \(g)")
        }
    }

    @Test func conv2dKnownValue() {
        // 3×3 input, 2×2 kernel of ones, stride 1, no padding: sums of 2×2 blocks.
        let input: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        let g = Conv2DGeometry(inHeight: 3, inWidth: 3, inChannels: 1, outChannels: 1, kernelHeight: 2, kernelWidth: 2)
        var out = [Float](repeating: 0, count: 4), scratch = [Float](repeating: 0, count: g.scratchCount)
        conv2d(input: input, weights: [1, 1, 1, 1], bias: nil, output: &out, geometry: g, scratch: &scratch)
        #expect(out == [12, 16, 24, 28])
    }

    @Test func depthwiseMatchesNaive() {
        var rng = TestRandom(seed: 2)
        for trial in 0..<80 {
            var g = Self.randomGeometry(&rng, depthwise: true)
            if trial % 4 == 0 { g.inChannels = [8, 16, 24, 33][trial % 16 / 4]; g.outChannels = g.inChannels }
            let input = rng.floats(g.inCount)
            let weights = rng.floats(g.kernelHeight * g.kernelWidth * g.inChannels), bias = rng.floats(g.inChannels)
            let activation: Activation = [.none, .relu, .relu6][trial % 3]
            let useBias = trial % 2 == 1
            var fast = [Float](repeating: .nan, count: g.outCount), slow = fast
            bias.withUnsafeBufferPointer { b in
                depthwiseConv2d(input: input, weights: weights, bias: useBias ? b.baseAddress : nil, output: &fast,
                                geometry: g, activation: activation)
                depthwiseConv2dNaive(input: input, weights: weights, bias: useBias ? b.baseAddress : nil, output: &slow,
                                     geometry: g, activation: activation)
            }
            #expect(maxRelativeError(fast, slow) < 1e-5, "trial \(trial): \(g)")
        }
    }

    @Test func poolingMatchesNaive() {
        var rng = TestRandom(seed: 3)
        for trial in 0..<80 {
            var g = Self.randomGeometry(&rng, depthwise: true)
            // Keep padding smaller than the window so no window lies wholly in the padding (as in real models).
            g.padding = Padding(top: min(g.padding.top, g.kernelHeight - 1), left: min(g.padding.left, g.kernelWidth - 1),
                                bottom: min(g.padding.bottom, g.kernelHeight - 1), right: min(g.padding.right, g.kernelWidth - 1))
            guard g.isValid else { continue }
            // Negative inputs make sure padding is never taken as a 0 maximum.
            let input = rng.floats(g.inCount).map { $0 - 2 }
            var fast = [Float](repeating: .nan, count: g.outCount), slow = fast
            maxPool2d(input: input, output: &fast, geometry: g)
            maxPool2dNaive(input: input, output: &slow, geometry: g)
            #expect(fast == slow, "max trial \(trial): \(g)")
            #expect(fast.allSatisfy { $0 < -1 + 1e-6 }, "max pool took a padded zero, trial \(trial)")
            let countPadding = trial % 2 == 0
            averagePool2d(input: input, output: &fast, geometry: g, countPadding: countPadding)
            averagePool2dNaive(input: input, output: &slow, geometry: g, countPadding: countPadding)
            #expect(maxRelativeError(fast, slow) < 1e-5, "avg trial \(trial): \(g)")
        }
    }

    @Test func samePaddingMatchesTensorFlow() {
        // 5 wide, kernel 3, stride 2: out 3, total pad 2 → 1/1. 4 wide, kernel 2, stride 2: no padding.
        #expect(Padding.same(inHeight: 5, inWidth: 4, kernelHeight: 3, kernelWidth: 2, strideHeight: 2, strideWidth: 2)
                == Padding(top: 1, left: 0, bottom: 1, right: 0))
        // 128, kernel 5, stride 1: 2/2. 6, kernel 3, stride 2: out 3, total 1 → 0 before, 1 after.
        #expect(Padding.same(inHeight: 128, inWidth: 6, kernelHeight: 5, kernelWidth: 3, strideHeight: 1, strideWidth: 2)
                == Padding(top: 2, left: 0, bottom: 2, right: 1))
    }

    @Test func fullyConnectedMatchesNaive() {
        BLAS.setThreads(1)
        var rng = TestRandom(seed: 4)
        for trial in 0..<30 {
            let batch = trial % 3 == 0 ? rng.int(2...5) : 1
            let inCount = rng.int(1...70), outCount = rng.int(1...40)
            let input = rng.floats(batch * inCount), weights = rng.floats(inCount * outCount), bias = rng.floats(outCount)
            var fast = [Float](repeating: .nan, count: batch * outCount), slow = fast
            let useBias = trial % 2 == 0
            bias.withUnsafeBufferPointer { b in
                fullyConnected(input: input, weights: weights, bias: useBias ? b.baseAddress : nil, output: &fast,
                               batch: batch, inCount: inCount, outCount: outCount, activation: .relu)
                fullyConnectedNaive(input: input, weights: weights, bias: useBias ? b.baseAddress : nil, output: &slow,
                                    batch: batch, inCount: inCount, outCount: outCount, activation: .relu)
            }
            #expect(maxRelativeError(fast, slow) < 1e-5, "trial \(trial)")
        }
    }

    @Test func resizeBilinearMatchesNaive() {
        var rng = TestRandom(seed: 5)
        for trial in 0..<40 {
            let inH = rng.int(1...9), inW = rng.int(1...9), c = rng.int(1...5)
            let outH = rng.int(1...17), outW = rng.int(1...17)
            let mode = ResizeMode(alignCorners: trial % 4 == 1, halfPixelCenters: trial % 4 == 2)
            let input = rng.floats(inH * inW * c)
            var fast = [Float](repeating: .nan, count: outH * outW * c), slow = fast
            resizeBilinear(input: input, inHeight: inH, inWidth: inW, channels: c, output: &fast,
                           outHeight: outH, outWidth: outW, mode: mode)
            resizeBilinearNaive(input: input, inHeight: inH, inWidth: inW, channels: c, output: &slow,
                                outHeight: outH, outWidth: outW, mode: mode)
            #expect(maxRelativeError(fast, slow) < 1e-5, "trial \(trial)")
        }
    }

    @Test func resizeBilinearDoublesKnownValues() {
        // 1×2 → 1×4, no half pixel: x = 0, 0.5, 1, 1.5 → 0, 5, 10, 10.
        var out = [Float](repeating: 0, count: 4)
        resizeBilinear(input: [0, 10], inHeight: 1, inWidth: 2, channels: 1, output: &out, outHeight: 1, outWidth: 4)
        #expect(out == [0, 5, 10, 10])
        // Half pixel centres: x = -0.25, 0.25, 0.75, 1.25 → 0, 2.5, 7.5, 10.
        resizeBilinear(input: [0, 10], inHeight: 1, inWidth: 2, channels: 1, output: &out, outHeight: 1, outWidth: 4,
                       mode: ResizeMode(halfPixelCenters: true))
        #expect(out == [0, 2.5, 7.5, 10])
    }

    @Test func padAddsRowsColumnsAndChannels() {
        // 1×2×1 image [1, 2] padded by 1 row on top, 1 column right and 1 channel after.
        var out = [Float](repeating: .nan, count: 2 * 3 * 2)
        pad(input: [1, 2], height: 1, width: 2, channels: 1, padding: Padding(top: 1, left: 0, bottom: 0, right: 1),
            channelsAfter: 1, output: &out)
        #expect(out == [0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0])
        var spatial = [Float](repeating: .nan, count: 3 * 4)
        pad(input: [1, 2], height: 1, width: 2, channels: 1, padding: Padding(top: 1, left: 1, bottom: 1, right: 1),
            output: &spatial)
        #expect(spatial == [0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0])
    }

    @Test func concatInterleavesChannels() {
        var out = [Float](repeating: .nan, count: 6)
        let a: [Float] = [1, 2], b: [Float] = [10, 11, 20, 21]
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                concatChannels([(pa.baseAddress!, 1), (pb.baseAddress!, 2)], pixels: 2, output: &out)
            }
        }
        #expect(out == [1, 10, 11, 2, 20, 21])
    }

    @Test func depthToSpaceRearrangesBlocks() {
        // 1×1×4 with block 2 → 2×2×1 in row-major block order.
        var out = [Float](repeating: .nan, count: 4)
        depthToSpace(input: [1, 2, 3, 4], height: 1, width: 1, channels: 4, blockSize: 2, output: &out)
        #expect(out == [1, 2, 3, 4])
        // 1×2×8 with block 2 → 2×4×2.
        let input: [Float] = (0..<16).map(Float.init)
        var out2 = [Float](repeating: .nan, count: 16)
        depthToSpace(input: input, height: 1, width: 2, channels: 8, blockSize: 2, output: &out2)
        #expect(out2 == [0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15])
    }

    @Test func elementwiseAndSoftmax() {
        var out = [Float](repeating: 0, count: 3)
        add([1, -5, 2], [1, 1, 1], output: &out, count: 3, activation: .relu)
        #expect(out == [2, 0, 3])
        relu([-1, 0.5, 3], output: &out, count: 3)
        #expect(out == [0, 0.5, 3])
        var logits: [Float] = [1, 2, 3, 1000, 1000, 1000]
        softmax(&logits, count: 3, rows: 2)
        #expect(abs(logits[0..<3].reduce(0, +) - 1) < 1e-6)
        #expect(logits[2] > logits[1] && logits[1] > logits[0])
        #expect(logits[3...].allSatisfy { abs($0 - 1.0 / 3) < 1e-6 })
        #expect(abs(sigmoid(0) - 0.5) < 1e-7)
        var pooled = [Float](repeating: 0, count: 2)
        globalAveragePool(input: [1, 10, 3, 20], height: 1, width: 2, channels: 2, output: &pooled)
        #expect(pooled == [2, 15])
    }

    @Test func batchNormFoldingMatchesUnfolded() throws {
        var rng = TestRandom(seed: 6)
        let g = Conv2DGeometry(inHeight: 5, inWidth: 4, inChannels: 3, outChannels: 4, kernelHeight: 3, kernelWidth: 3,
                               padding: .uniform(1))
        let input = rng.floats(g.inCount), weights = rng.floats(g.weightCount), bias = rng.floats(4)
        let gamma = rng.floats(4), beta = rng.floats(4), mean = rng.floats(4), variance = rng.floats(4).map { $0 + 1.5 }
        var raw = [Float](repeating: 0, count: g.outCount)
        bias.withUnsafeBufferPointer { conv2dNaive(input: input, weights: weights, bias: $0.baseAddress, output: &raw, geometry: g) }
        let expected = raw.enumerated().map { i, v in
            let c = i % 4
            return gamma[c] * (v - mean[c]) / (variance[c] + 1e-3).squareRoot() + beta[c]
        }
        var folded = weights
        let foldedBias = try foldBatchNorm(weights: &folded, bias: bias, channels: 4, gamma: gamma, beta: beta,
                                           mean: mean, variance: variance, epsilon: 1e-3)
        var out = [Float](repeating: 0, count: g.outCount)
        foldedBias.withUnsafeBufferPointer { conv2dNaive(input: input, weights: folded, bias: $0.baseAddress, output: &out, geometry: g) }
        #expect(maxRelativeError(out, expected) < 1e-5)
        #expect(throws: NeuralError.self) {
            var w: [Float] = [1, 2, 3]
            _ = try foldBatchNorm(weights: &w, bias: nil, channels: 2, gamma: [1, 1], beta: [0, 0], mean: [0, 0],
                                  variance: [1, 1], epsilon: 0)
        }
    }

    @Test func tensorChecksShape() throws {
        #expect(throws: NeuralError.self) { try Tensor(shape: [2, 3], storage: [1, 2]) }
        var t = try Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        try t.reshape([3, 2])
        #expect(t.shape == [3, 2])
        #expect(throws: NeuralError.self) { try t.reshape([4, 2]) }
        #expect(Tensor(zeros: [2, 2, 3]).count == 12)
    }
}
