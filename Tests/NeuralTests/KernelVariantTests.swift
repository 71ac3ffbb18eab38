import COpenBLAS
import Neural
import Testing

/// Every instruction-set variant of CNeuralKernels this CPU can run, against the naive references (and OpenBLAS),
/// on random shapes with odd sizes and tails of every micro-tile dimension.
@Suite struct KernelVariantTests {
    static let isas = InstructionSet.supported

    @Test func theBaselineIsAlwaysSupported() {
        #expect(Self.isas.first == .baseline)
        #expect(Self.isas.last == InstructionSet.cpuBest)
    }

    /// A random GEMM shape: m crosses micro-tile heights (4, 6, 12) and the 264-row block, n the 8/16/32-column
    /// tiles and the half-vector tile shapes (4/8/12/24 columns), k the 192-deep block.
    static func shapes(_ random: inout TestRandom) -> [(m: Int, n: Int, k: Int)] {
        var shapes: [(Int, Int, Int)] = [(1, 1, 1), (1, 33, 7), (13, 1, 5), (12, 32, 192), (25, 47, 193), (7, 96, 96),
                                         (265, 40, 17), (3, 200, 400), (50, 64, 0),
                                         // BlazeFace's narrow layers: whole + half vectors, half vectors in part.
                                         (40, 24, 24), (30, 36, 32), (13, 42, 36), (9, 12, 5), (7, 4, 3), (25, 56, 48)]
        for _ in 0 ..< 6 { shapes.append((random.int(1 ... 70), random.int(1 ... 90), random.int(1 ... 300))) }
        return shapes
    }

    @Test(arguments: isas)
    func gemmMatchesNaive(isa: InstructionSet) {
        var random = TestRandom(seed: 101)
        for (m, n, k) in Self.shapes(&random) {
            let lda = k + random.int(0 ... 3), ldb = n + random.int(0 ... 3), ldc = n + random.int(0 ... 3)
            let a = random.floats(max(1, m * lda)), b = random.floats(max(1, k * ldb))
            let bias = random.floats(n), residual = random.floats(m * ldc), start = random.floats(m * ldc)
            let cases: [GEMMEpilogue.Shape] = [.plain, .bias(.relu), .residual(.relu6), .accumulate(.none)]
            for shape in cases {
                var fast = start, naive = start
                bias.withUnsafeBufferPointer { bp in
                    residual.withUnsafeBufferPointer { rp in
                        let e = shape.epilogue(bias: bp.baseAddress!, residual: rp.baseAddress!, stride: ldc)
                        GEMM.multiply(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &fast, ldc: ldc, epilogue: e,
                                      backend: .rollcall, isa: isa)
                        GEMM.multiplyNaive(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &naive, ldc: ldc, epilogue: e)
                    }
                }
                // Padding columns past n must be left alone.
                #expect(maxRelativeError(fast, naive) < 1e-5, "\(isa) \(m)×\(n)×\(k) \(shape)")
            }
        }
    }

    /// A residual narrower than C (`residualColumns`: a shortcut zero-extended on the right, read without its
    /// zeros) in every variant, on one and two threads (rows split, and column panels split with the residual
    /// ending before, inside and after a part), and through OpenBLAS, against the naive loops.
    @Test(arguments: isas)
    func gemmWithANarrowResidualMatchesNaive(isa: InstructionSet) {
        var random = TestRandom(seed: 303)
        // The last four are big enough to be split over two threads by column panels (160 columns each): the
        // residual ends inside the second part, at the split, and inside the first.
        let shapes = [(4096, 28, 24, 24), (1024, 42, 36, 36), (64, 96, 88, 88), (13, 47, 9, 5), (7, 24, 3, 17),
                      (40, 24, 24, 8), (9, 12, 5, 1), (5, 300, 1500, 290), (5, 300, 1500, 160), (5, 300, 1500, 40)]
        for (m, n, k, columns) in shapes {
            let a = random.floats(m * k), b = random.floats(k * n), bias = random.floats(n)
            let residual = random.floats(m * columns)
            var naive = [Float](repeating: .nan, count: m * n)
            let runs: [(GEMMBackend, Int)] = [(.rollcall, 1), (.rollcall, 2), (.openblas, 1)]
            bias.withUnsafeBufferPointer { bp in
                residual.withUnsafeBufferPointer { rp in
                    let e = GEMMEpilogue(bias: bp.baseAddress, residual: rp.baseAddress, residualStride: columns,
                                         residualColumns: columns, activation: .relu)
                    GEMM.multiplyNaive(m: m, n: n, k: k, a: a, b: b, c: &naive, epilogue: e)
                    for (backend, threads) in runs {
                        var fast = [Float](repeating: .nan, count: m * n)
                        GEMM.multiply(m: m, n: n, k: k, a: a, b: b, c: &fast, epilogue: e, backend: backend, isa: isa,
                                      threads: threads)
                        // Blocked and sequential sums of k products part by rounding, more as k grows.
                        #expect(maxRelativeError(fast, naive) < (k > 500 ? 5e-5 : 1e-5),
                                "\(isa) \(backend) \(threads) threads \(m)×\(n)×\(k), residual \(columns) columns")
                    }
                }
            }
            // The naive loops themselves: the columns past the residual's get no residual.
            var plain = [Float](repeating: .nan, count: m * n)
            bias.withUnsafeBufferPointer { bp in
                GEMM.multiplyNaive(m: m, n: n, k: k, a: a, b: b, c: &plain, epilogue: GEMMEpilogue(bias: bp.baseAddress, activation: .relu))
            }
            #expect((0 ..< m).allSatisfy { i in (columns ..< n).allSatisfy { naive[i * n + $0] == plain[i * n + $0] } })
        }
    }

    @Test(arguments: isas)
    func prepackedAndThreadedGEMMEqualTheSingleThreadedOne(isa: InstructionSet) {
        var random = TestRandom(seed: 202)
        for (m, n, k) in [(300, 70, 150), (5, 300, 2000), (97, 33, 31)] {
            let a = random.floats(m * k), b = random.floats(k * n), bias = random.floats(n)
            var single = [Float](repeating: 0, count: m * n), threaded = single, prepacked = single
            let packed = PackedMatrix(rows: k, columns: n, matrix: b)
            bias.withUnsafeBufferPointer { bp in
                let e = GEMMEpilogue(bias: bp.baseAddress, activation: .relu)
                GEMM.multiply(m: m, n: n, k: k, a: a, b: b, c: &single, epilogue: e, backend: .rollcall, isa: isa)
                GEMM.multiply(m: m, n: n, k: k, a: a, b: b, packed: packed, c: &prepacked, epilogue: e, backend: .rollcall, isa: isa)
                GEMM.multiply(m: m, n: n, k: k, a: a, b: b, c: &threaded, epilogue: e, backend: .rollcall, isa: isa,
                              threads: 2)
            }
            #expect(prepacked == single, "\(isa) \(m)×\(n)×\(k) prepacked")
            #expect(threaded == single, "\(isa) \(m)×\(n)×\(k) two threads")
        }
    }

    @Test(arguments: isas)
    func gemmMatchesOpenBLAS(isa: InstructionSet) {
        var random = TestRandom(seed: 303)
        let (m, n, k) = (150, 130, 260)
        let a = random.floats(m * k), b = random.floats(k * n)
        var ours = [Float](repeating: 0, count: m * n), theirs = ours
        GEMM.multiply(m: m, n: n, k: k, a: a, b: b, c: &ours, backend: .rollcall, isa: isa)
        GEMM.multiply(m: m, n: n, k: k, a: a, b: b, c: &theirs, backend: .openblas)
        #expect(maxRelativeError(ours, theirs) < 1e-5)
    }

    @Test(arguments: isas)
    func gemvMatchesNaive(isa: InstructionSet) {
        var random = TestRandom(seed: 404)
        for (inCount, outCount) in [(1, 1), (7, 3), (100, 129), (33, 300), (2048, 17), (513, 1000)] {
            let x = random.floats(inCount), w = random.floats(inCount * outCount), bias = random.floats(outCount)
            for activation in [Activation.none, .relu, .relu6] {
                var fast = [Float](repeating: .nan, count: outCount), naive = fast
                fullyConnected(input: x, weights: w, bias: bias, output: &fast, inCount: inCount, outCount: outCount,
                               activation: activation, isa: isa)
                fullyConnectedNaive(input: x, weights: w, bias: bias, output: &naive, inCount: inCount,
                                    outCount: outCount, activation: activation)
                #expect(maxRelativeError(fast, naive) < 1e-5, "\(isa) \(inCount)→\(outCount) \(activation)")
            }
        }
    }

    @Test(arguments: isas)
    func depthwise3x3MatchesNaive(isa: InstructionSet) {
        var random = TestRandom(seed: 505)
        // Channel counts exercise the full, half and quarter vectors and the scalar tail of every variant.
        for channels in [1, 3, 4, 5, 8, 12, 16, 20, 24, 28, 31, 36, 88] {
            for _ in 0 ..< 3 {
                let stride = random.int(1 ... 2)
                let height = random.int(1 ... 13), width = random.int(1 ... 13)
                let padding = Padding(top: random.int(0 ... 2), left: random.int(0 ... 2), bottom: random.int(0 ... 2),
                                      right: random.int(0 ... 2))
                let g = Conv2DGeometry(inHeight: height, inWidth: width, inChannels: channels, outChannels: channels,
                                       kernelHeight: 3, kernelWidth: 3, strideHeight: stride, strideWidth: stride,
                                       padding: padding)
                guard g.isValid else { continue }
                let input = random.floats(g.inCount), weights = random.floats(9 * channels), bias = random.floats(channels)
                for activation in [Activation.none, .relu, .relu6] {
                    var fast = [Float](repeating: .nan, count: g.outCount), naive = fast
                    depthwiseConv3x3(input: input, weights: weights, bias: bias, output: &fast, geometry: g,
                                     activation: activation, isa: isa)
                    depthwiseConv2dNaive(input: input, weights: weights, bias: bias, output: &naive, geometry: g,
                                         activation: activation)
                    #expect(maxRelativeError(fast, naive) < 1e-5, "\(isa) c\(channels) \(height)×\(width)/\(stride) \(padding)")
                }
            }
        }
    }

    @Test(arguments: isas)
    func winogradMatchesNaive(isa: InstructionSet) {
        var random = TestRandom(seed: 707)
        // Sizes that leave partial 4×4 tiles, channel counts with vector tails, one- and two-sided padding.
        for (height, width, cin, cout, pad) in [(4, 4, 1, 1, 1), (5, 7, 17, 33, 1), (13, 9, 16, 16, 0), (9, 9, 40, 24, 1),
                                                (30, 31, 3, 70, 1), (6, 6, 64, 64, 2)] {
            let g = Conv2DGeometry(inHeight: height, inWidth: width, inChannels: cin, outChannels: cout,
                                   kernelHeight: 3, kernelWidth: 3, padding: .uniform(pad))
            // Weights scaled as a trained network's are (He: ~1/sqrt(fan-in)), so outputs are of order 1.
            let scale = 1 / Float(9 * cin).squareRoot()
            let input = random.floats(g.inCount), weights = random.floats(g.weightCount).map { $0 * scale }
            let bias = random.floats(cout), residual = random.floats(g.outCount)
            let transformed = WinogradWeights(weights: weights, inChannels: cin, outChannels: cout)
            var naive = [Float](repeating: .nan, count: g.outCount)
            conv2dNaive(input: input, weights: weights, bias: bias, output: &naive, geometry: g, activation: .relu,
                        residual: residual)
            for threads in [1, 2] {
                var fast = [Float](repeating: .nan, count: g.outCount)
                conv3x3Winograd(input: input, weights: transformed, bias: bias, output: &fast, geometry: g,
                                activation: .relu, residual: residual, isa: isa, threads: threads)
                // Winograd F(4,3) rounds differently from the direct sum (its transforms scale values by up to 8²).
                let largest = naive.map(abs).max() ?? 1
                let worst = zip(fast, naive).map { abs($0 - $1) }.max() ?? .infinity
                #expect(worst <= 2e-5 * max(1, largest), "\(isa) \(height)×\(width)×\(cin)→\(cout) pad \(pad) threads \(threads): \(worst)")
            }
        }
    }

    @Test func winogradSuitsOnlyLargeStrideOneGeometries() {
        func g(_ side: Int, _ c: Int, stride: Int = 1) -> Conv2DGeometry {
            Conv2DGeometry(inHeight: side, inWidth: side, inChannels: c, outChannels: c, kernelHeight: 3, kernelWidth: 3,
                           strideHeight: stride, strideWidth: stride, padding: .uniform(1))
        }
        #expect(WinogradWeights.suits(g(56, 64)))
        #expect(WinogradWeights.suits(g(9, 128)))
        #expect(!WinogradWeights.suits(g(5, 256)))
        // One tile (dlib's 4×4×256 and 3×3×256 layers): the transformed weights cost more to read than they save.
        #expect(!WinogradWeights.suits(g(4, 256)))
        #expect(!WinogradWeights.suits(g(3, 256)))
        #expect(WinogradWeights.suits(g(8, 128)))
        #expect(!WinogradWeights.suits(g(56, 8)))
        #expect(!WinogradWeights.suits(g(56, 64, stride: 2)))
    }

    @Test func conv2dWithAFusedResidualMatchesNaive() {
        var random = TestRandom(seed: 606)
        for isPointwise in [true, false] {
            let g = Conv2DGeometry(inHeight: 9, inWidth: 7, inChannels: 13, outChannels: 21,
                                   kernelHeight: isPointwise ? 1 : 3, kernelWidth: isPointwise ? 1 : 3,
                                   padding: isPointwise ? .zero : .uniform(1))
            let input = random.floats(g.inCount), weights = random.floats(g.weightCount), bias = random.floats(21)
            let residual = random.floats(g.outCount)
            var fast = [Float](repeating: .nan, count: g.outCount), naive = fast
            var scratch = [Float](repeating: 0, count: max(1, g.scratchCount))
            let packed = PackedMatrix(rows: g.kernelHeight * g.kernelWidth * 13, columns: 21, matrix: weights)
            conv2d(input: input, weights: weights, bias: bias, output: &fast, geometry: g, activation: .relu,
                   scratch: &scratch, residual: residual, packedWeights: packed)
            conv2dNaive(input: input, weights: weights, bias: bias, output: &naive, geometry: g, activation: .relu,
                        residual: residual)
            #expect(maxRelativeError(fast, naive) < 1e-5)
        }
    }

    /// The direct convolution (no im2col) of every variant against the naive one: few input channels, kernels
    /// 1…7 wide, strides 1 and 2, uneven padding, output widths crossing the micro-tile heights and column counts
    /// crossing the whole/half-vector shapes, split over threads or not.
    @Test(arguments: isas)
    func directConvolutionMatchesNaive(isa: InstructionSet) {
        var random = TestRandom(seed: 808)
        var geometries = [Conv2DGeometry(inHeight: 128, inWidth: 128, inChannels: 3, outChannels: 24, kernelHeight: 5,
                                         kernelWidth: 5, strideHeight: 2, strideWidth: 2,
                                         padding: Padding(top: 1, left: 1, bottom: 2, right: 2))]
        for _ in 0 ..< 10 {
            let kernel = random.int(1 ... 7)
            geometries.append(Conv2DGeometry(
                inHeight: random.int(1 ... 30), inWidth: random.int(1 ... 30), inChannels: random.int(1 ... 4),
                outChannels: random.int(1 ... 70), kernelHeight: kernel, kernelWidth: random.int(1 ... 7),
                strideHeight: random.int(1 ... 2), strideWidth: random.int(1 ... 2),
                padding: Padding(top: random.int(0 ... 3), left: random.int(0 ... 3), bottom: random.int(0 ... 3),
                                 right: random.int(0 ... 3))))
        }
        for g in geometries where g.isValid && suitsDirect(g) {
            let k = g.kernelHeight * g.kernelWidth * g.inChannels
            let input = random.floats(g.inCount), weights = random.floats(g.weightCount)
            let bias = random.floats(g.outChannels), residual = random.floats(g.outCount)
            let packed = PackedMatrix(rows: k, columns: g.outChannels, matrix: weights)
            for (activation, withResidual) in [(Activation.none, false), (.relu, true), (.relu6, false)] {
                var naive = [Float](repeating: .nan, count: g.outCount)
                conv2dNaive(input: input, weights: weights, bias: bias, output: &naive, geometry: g,
                            activation: activation, residual: withResidual ? residual : nil)
                for threads in [1, 2] {
                    var fast = [Float](repeating: .nan, count: g.outCount)
                    var scratch = [Float](repeating: .nan, count: g.scratchCount)
                    residual.withUnsafeBufferPointer { rp in
                        conv2dDirect(input: input, packedWeights: packed, bias: bias, output: &fast, geometry: g,
                                     activation: activation, scratch: &scratch,
                                     residual: withResidual ? rp.baseAddress : nil, isa: isa, threads: threads)
                    }
                    #expect(maxRelativeError(fast, naive) < 1e-5, "\(isa) \(g) \(activation) threads \(threads)")
                }
            }
        }
    }

    /// Max pooling of every variant against the naive loops: channel counts crossing each vector width (whole
    /// vectors, masked tails), windows clipped by padding and windows lying wholly in it (those give 0).
    @Test(arguments: isas)
    func maxPoolMatchesNaive(isa: InstructionSet) {
        var random = TestRandom(seed: 909)
        // BlazeFace's 2×2/2 pools (their own fast path), one on odd sides (the last row and column unread).
        var geometries = [Conv2DGeometry(inHeight: 64, inWidth: 64, inChannels: 28, outChannels: 28, kernelHeight: 2,
                                         kernelWidth: 2, strideHeight: 2, strideWidth: 2),
                          Conv2DGeometry(inHeight: 8, inWidth: 8, inChannels: 88, outChannels: 88, kernelHeight: 2,
                                         kernelWidth: 2, strideHeight: 2, strideWidth: 2),
                          Conv2DGeometry(inHeight: 7, inWidth: 9, inChannels: 19, outChannels: 19, kernelHeight: 2,
                                         kernelWidth: 2, strideHeight: 2, strideWidth: 2)]
        for _ in 0 ..< 40 {
            let c = random.int(1 ... 40)
            geometries.append(Conv2DGeometry(
                inHeight: random.int(1 ... 12), inWidth: random.int(1 ... 12), inChannels: c, outChannels: c,
                kernelHeight: random.int(1 ... 4), kernelWidth: random.int(1 ... 4), strideHeight: random.int(1 ... 3),
                strideWidth: random.int(1 ... 3),
                padding: Padding(top: random.int(0 ... 4), left: random.int(0 ... 4), bottom: random.int(0 ... 4),
                                 right: random.int(0 ... 4))))
        }
        for g in geometries where g.isValid {
            // All negative, so a padded cell taken as a candidate would show as a 0.
            let input = random.floats(g.inCount).map { $0 - 2 }
            var fast = [Float](repeating: .nan, count: g.outCount), naive = fast
            maxPool2d(input: input, output: &fast, geometry: g, isa: isa)
            maxPool2dNaive(input: input, output: &naive, geometry: g)
            #expect(fast == naive, "\(isa) \(g)")
        }
    }

    /// Channel padding of every variant against the naive loops: zero channels after (BlazeFace's shortcuts) and
    /// before, channel counts crossing each vector width, and spatial padding (the plain path) alongside.
    @Test(arguments: isas)
    func padMatchesNaive(isa: InstructionSet) {
        var random = TestRandom(seed: 1010)
        var cases = [(height: 64, width: 64, channels: 24, padding: Padding.zero, before: 0, after: 4),
                     (height: 8, width: 8, channels: 88, padding: Padding.zero, before: 0, after: 8)]
        for trial in 0 ..< 30 {
            let padding = trial % 5 == 4 ? Padding(top: random.int(0 ... 2), left: random.int(0 ... 2),
                                                   bottom: random.int(0 ... 2), right: random.int(0 ... 2)) : .zero
            cases.append((random.int(1 ... 9), random.int(1 ... 9), random.int(1 ... 40), padding,
                          trial % 3 == 2 ? random.int(1 ... 5) : 0, random.int(0 ... 20)))
        }
        for c in cases {
            let input = random.floats(c.height * c.width * c.channels)
            let count = (c.height + c.padding.top + c.padding.bottom) * (c.width + c.padding.left + c.padding.right)
                * (c.before + c.channels + c.after)
            var fast = [Float](repeating: .nan, count: count), naive = fast
            pad(input: input, height: c.height, width: c.width, channels: c.channels, padding: c.padding,
                channelsBefore: c.before, channelsAfter: c.after, output: &fast, isa: isa)
            padNaive(input: input, height: c.height, width: c.width, channels: c.channels, padding: c.padding,
                     channelsBefore: c.before, channelsAfter: c.after, output: &naive)
            #expect(fast == naive, "\(isa) \(c)")
        }
    }

    @Test func directConvolutionSuitsOnlyFewInputChannels() {
        let stem = Conv2DGeometry(inHeight: 128, inWidth: 128, inChannels: 3, outChannels: 24, kernelHeight: 5,
                                  kernelWidth: 5, strideHeight: 2, strideWidth: 2,
                                  padding: Padding(top: 1, left: 1, bottom: 2, right: 2))
        #expect(suitsDirect(stem))
        var wide = stem
        wide.inChannels = 16
        #expect(!suitsDirect(wide))
        let pointwise = Conv2DGeometry(inHeight: 8, inWidth: 8, inChannels: 3, outChannels: 8, kernelHeight: 1, kernelWidth: 1)
        #expect(!suitsDirect(pointwise))
        // A 1×1 stride-2 convolution's im2col scratch is smaller than its padded input: not direct.
        let strided = Conv2DGeometry(inHeight: 8, inWidth: 8, inChannels: 3, outChannels: 8, kernelHeight: 1,
                                     kernelWidth: 1, strideHeight: 2, strideWidth: 2)
        #expect(!suitsDirect(strided))
    }

    @Test func overridesChooseTheInstructionSetAndGEMM() {
        let best = InstructionSet.cpuBest
        let plain = KernelDispatch.choose(isaOverride: nil, gemmOverride: nil)
        #expect(plain.isa == best && plain.notes.isEmpty)
        #expect(plain.gemm == (best == .baseline ? .openblas : .rollcall))
        let baseline = KernelDispatch.choose(isaOverride: "BASELINE", gemmOverride: nil)
        #expect(baseline.isa == .baseline && baseline.gemm == .openblas && baseline.isSlowPath)
        let forced = KernelDispatch.choose(isaOverride: "baseline", gemmOverride: "rollcall")
        #expect(forced.gemm == .rollcall && forced.gemmName == "rollcall-baseline")
        let avx512 = KernelDispatch.choose(isaOverride: "avx512", gemmOverride: nil)
        #expect(avx512.isa == min(.avx512, best))
        #expect(avx512.notes.isEmpty == (best == .avx512))
        let unknown = KernelDispatch.choose(isaOverride: "sse9", gemmOverride: "mkl")
        #expect(unknown.isa == best && unknown.notes.count == 2)
        #expect(unknown.notes[0].contains("ROLLCALL_ISA=sse9") && unknown.notes[1].contains("ROLLCALL_GEMM=mkl"))
    }
}

extension GEMMEpilogue {
    /// The epilogue combinations the GEMM tests run.
    enum Shape: CustomStringConvertible {
        case plain, bias(Activation), residual(Activation), accumulate(Activation)

        func epilogue(bias: UnsafePointer<Float>, residual: UnsafePointer<Float>, stride: Int) -> GEMMEpilogue {
            switch self {
            case .plain: GEMMEpilogue()
            case .bias(let a): GEMMEpilogue(bias: bias, activation: a)
            case .residual(let a): GEMMEpilogue(bias: bias, residual: residual, residualStride: stride, activation: a)
            case .accumulate(let a): GEMMEpilogue(bias: bias, activation: a, accumulate: true)
            }
        }

        var description: String {
            switch self {
            case .plain: "plain"
            case .bias(let a): "bias \(a)"
            case .residual(let a): "residual \(a)"
            case .accumulate(let a): "accumulate \(a)"
            }
        }
    }
}
