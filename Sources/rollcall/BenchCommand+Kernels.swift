import ArgumentParser
import Foundation
import Neural

extension BenchCommand {
    /// `rollcall bench kernels`: each of Neural's own kernels, in each instruction set this CPU supports, on the
    /// shapes the models run (one thread), as GFLOP/s and as a fraction of the same instruction set's measured
    /// multiply-add ceiling; OpenBLAS's SGEMM beside them on the same shapes.
    struct Kernels: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kernels",
            abstract: "Time Neural's kernels per instruction set (one thread): GFLOP/s and fraction of the FMA ceiling, one JSON line each.")

        @Option(help: "Rounds per kernel (the median is reported).")
        var rounds = 7

        @Option(help: "Minimum milliseconds per round (calls are repeated to fill it).")
        var roundMs = 40.0

        func validate() throws {
            guard rounds >= 1, rounds <= 1000 else { throw ValidationError("--rounds must be 1…1000") }
            guard roundMs > 0, roundMs <= 10_000 else { throw ValidationError("--round-ms must be in (0, 10000]") }
        }

        /// One timed case: a name, its shape, its floating-point operations per call, the call in a given
        /// instruction set, and OpenBLAS doing the same work (GEMMs only).
        struct Case {
            var kernel: String
            var shape: String
            var flops: Double
            var run: (InstructionSet) -> Void
            var openBLAS: (() -> Void)?
        }

        func run() throws {
            BLAS.setThreads(1)
            let memory = BenchBuffers()
            var cases = [Case]()
            for (m, n, k, what) in [(256, 96, 96, "blazeface 1x1 16x16x96"), (4096, 24, 24, "blazeface 1x1 64x64x24"),
                                    (1296, 32, 288, "dlib 3x3 36x36x32 im2col"), (81, 256, 1152, "dlib 3x3 9x9 128-256 im2col"),
                                    (3136, 256, 2304, "vgg16 conv3_2 im2col"), (196, 512, 4608, "vgg16 conv5_2 im2col")] {
                let a = memory.random(m * k), b = memory.random(k * n), c = memory.zeros(m * n)
                let packed = PackedMatrix(rows: k, columns: n, matrix: b)
                cases.append(Case(kernel: "gemm", shape: "\(m)x\(n)x\(k) \(what)", flops: 2.0 * Double(m * n * k),
                                  run: { isa in
                                      GEMM.multiply(m: m, n: n, k: k, a: a, b: b, packed: packed, c: c, backend: .rollcall,
                                                    isa: isa, threads: 1)
                                  },
                                  openBLAS: { GEMM.multiply(m: m, n: n, k: k, a: a, b: b, c: c, backend: .openblas) }))
            }
            for (side, channels, what) in [(56, 256, "vgg16 conv3_2"), (14, 512, "vgg16 conv5_2"), (112, 128, "vgg16 conv2_2"),
                                           (36, 32, "dlib 36x36x32"), (9, 128, "dlib 9x9x128")] {
                let g = Conv2DGeometry(inHeight: side, inWidth: side, inChannels: channels, outChannels: channels,
                                       kernelHeight: 3, kernelWidth: 3, padding: .uniform(1))
                let input = memory.random(g.inCount), weights = memory.random(g.weightCount), output = memory.zeros(g.outCount)
                let transformed = WinogradWeights(weights: weights, inChannels: channels, outChannels: channels)
                // GFLOP/s of the direct convolution's arithmetic (what the time replaces).
                cases.append(Case(kernel: "winograd", shape: "\(side)x\(side)x\(channels) \(what)",
                                  flops: 2.0 * Double(g.outCount * 9 * channels),
                                  run: { isa in
                                      conv3x3Winograd(input: input, weights: transformed, bias: nil, output: output,
                                                      geometry: g, isa: isa, threads: 1)
                                  }))
            }
            for (side, channels, stride, what) in [(64, 24, 1, "blazeface"), (64, 24, 2, "blazeface"), (16, 96, 1, "blazeface"),
                                                   (32, 48, 2, "blazeface")] {
                let g = Conv2DGeometry(inHeight: side, inWidth: side, inChannels: channels, outChannels: channels,
                                       kernelHeight: 3, kernelWidth: 3, strideHeight: stride, strideWidth: stride,
                                       padding: .same(inHeight: side, inWidth: side, kernelHeight: 3, kernelWidth: 3,
                                                      strideHeight: stride, strideWidth: stride))
                let input = memory.random(g.inCount), weights = memory.random(9 * channels), bias = memory.random(channels)
                let output = memory.zeros(g.outCount)
                cases.append(Case(kernel: "depthwise3x3", shape: "\(side)x\(side)x\(channels)/\(stride) \(what)",
                                  flops: 2.0 * Double(g.outCount * 9),
                                  run: { isa in
                                      depthwiseConv3x3(input: input, weights: weights, bias: bias, output: output,
                                                       geometry: g, activation: .relu, isa: isa)
                                  }))
            }
            // The stems (few input channels): direct convolution of the padded input against im2col + GEMM.
            for (side, cin, cout, kernel, stride, what) in [(128, 3, 24, 5, 2, "blazeface short stem"),
                                                            (150, 3, 32, 7, 2, "dlib stem")] {
                let g = Conv2DGeometry(inHeight: side, inWidth: side, inChannels: cin, outChannels: cout,
                                       kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
                                       padding: .same(inHeight: side, inWidth: side, kernelHeight: kernel, kernelWidth: kernel,
                                                      strideHeight: stride, strideWidth: stride))
                let k = kernel * kernel * cin
                let input = memory.random(g.inCount), weights = memory.random(g.weightCount), bias = memory.random(cout)
                let output = memory.zeros(g.outCount), scratch = memory.zeros(g.scratchCount)
                let packed = PackedMatrix(rows: k, columns: cout, matrix: weights)
                let flops = 2.0 * Double(g.outCount * k)
                cases.append(Case(kernel: "conv_direct", shape: "\(side)x\(side)x\(cin)→\(cout) \(kernel)x\(kernel)/\(stride) \(what)",
                                  flops: flops,
                                  run: { isa in
                                      conv2dDirect(input: input, packedWeights: packed, bias: bias, output: output, geometry: g,
                                                   activation: .relu, scratch: scratch, isa: isa, threads: 1)
                                  }))
                cases.append(Case(kernel: "conv_im2col", shape: "\(side)x\(side)x\(cin)→\(cout) \(kernel)x\(kernel)/\(stride) \(what)",
                                  flops: flops,
                                  run: { isa in
                                      im2col(input: input, geometry: g, columns: scratch)
                                      GEMM.multiply(m: g.outHeight * g.outWidth, n: cout, k: k, a: scratch, b: weights,
                                                    packed: packed, c: output,
                                                    epilogue: GEMMEpilogue(bias: bias, activation: .relu),
                                                    backend: .rollcall, isa: isa, threads: 1)
                                  }))
            }
            for (inCount, outCount, what) in [(25088, 4096, "vgg16 fc6"), (4096, 4096, "vgg16 fc7"), (256, 128, "dlib fc")] {
                let x = memory.random(inCount), w = memory.random(inCount * outCount), y = memory.zeros(outCount)
                cases.append(Case(kernel: "gemv", shape: "\(inCount)x\(outCount) \(what)", flops: 2.0 * Double(inCount * outCount),
                                  run: { isa in
                                      fullyConnected(input: x, weights: w, bias: nil, output: y, inCount: inCount,
                                                     outCount: outCount, isa: isa)
                                  }))
            }

            var ceilings: [InstructionSet: Double] = [:]
            for isa in InstructionSet.supported {
                let iterations = 1_000_000
                let flops = KernelDispatch.multiplyAddChains(isa, iterations: 1)
                let seconds = median { KernelDispatch.multiplyAddChains(isa, iterations: iterations) }
                let gflops = flops * Double(iterations) / seconds / 1e9
                ceilings[isa] = gflops
                try emit(["kernel": "fma_ceiling", "variant": isa.rawValue, "gflops": round1(gflops)])
            }
            for item in cases {
                for isa in InstructionSet.supported {
                    let seconds = median { item.run(isa) }
                    let gflops = item.flops / seconds / 1e9
                    try emit(["kernel": item.kernel, "shape": item.shape, "variant": isa.rawValue, "gflops": round1(gflops),
                              "ms": (seconds * 1e6).rounded() / 1e3,
                              "of_ceiling": ((gflops / (ceilings[isa] ?? .nan)) * 1000).rounded() / 1000])
                }
                if let openBLAS = item.openBLAS {
                    let seconds = median(openBLAS)
                    let gflops = item.flops / seconds / 1e9
                    try emit(["kernel": "gemm", "shape": item.shape, "variant": "openblas-\(BLAS.coreName)",
                              "gflops": round1(gflops), "ms": (seconds * 1e6).rounded() / 1e3,
                              "of_ceiling": ((gflops / (ceilings[InstructionSet.cpuBest] ?? .nan)) * 1000).rounded() / 1000])
                }
            }
        }

        private func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }

        /// Median seconds per call over `rounds` rounds, each repeating the call for at least `roundMs`.
        private func median(_ body: () -> Void) -> Double {
            body()
            var perCall = [Double]()
            for _ in 0 ..< rounds {
                var calls = 0
                let start = DispatchTime.now().uptimeNanoseconds
                var elapsed = 0.0
                repeat {
                    body()
                    calls += 1
                    elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                } while elapsed * 1e3 < roundMs
                perCall.append(elapsed / Double(calls))
            }
            return perCall.sorted()[perCall.count / 2]
        }

        private func emit(_ fields: [String: Any]) throws {
            var line = fields
            line["bench"] = "kernels"
            try BenchTiming.printJSON(line)
        }
    }
}

/// Buffers of random floats a benchmark keeps for its whole run (freed with it).
final class BenchBuffers {
    private var owned: [UnsafeMutablePointer<Float>] = []
    private var state: UInt64 = 0x2545_F491_4F6C_DD1D

    /// `count` floats uniform in [-1, 1).
    func random(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = zeros(count)
        for i in 0 ..< count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            p[i] = Float(state >> 40) / Float(1 << 23) - 1
        }
        return p
    }

    /// `count` zeros.
    func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
        p.initialize(repeating: 0, count: max(1, count))
        owned.append(p)
        return p
    }

    deinit { for p in owned { p.deallocate() } }
}
