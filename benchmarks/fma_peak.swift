// Single-core floating-point ceiling of this CPU: ten independent chains of fused multiply-adds on 8-lane
// (AVX2) and 16-lane (AVX-512) vectors, so the loop is bound by FMA throughput, not latency. Built by
// benchmarks/fma_peak.sh with `-target-cpu` so that `addingProduct` becomes one vfmadd instruction.
import Foundation

@inline(never)
func chains<V: SIMD>(_ iterations: Int, start: V) -> V where V.Scalar == Float {
    let m = V(repeating: 0.999_999), c = V(repeating: 0.000_001)
    var a = (start, start + 1, start + 2, start + 3, start + 4, start + 5, start + 6, start + 7, start + 8, start + 9)
    for _ in 0 ..< iterations {
        a.0 = a.0.addingProduct(m, c); a.1 = a.1.addingProduct(m, c); a.2 = a.2.addingProduct(m, c)
        a.3 = a.3.addingProduct(m, c); a.4 = a.4.addingProduct(m, c); a.5 = a.5.addingProduct(m, c)
        a.6 = a.6.addingProduct(m, c); a.7 = a.7.addingProduct(m, c); a.8 = a.8.addingProduct(m, c)
        a.9 = a.9.addingProduct(m, c)
    }
    return a.0 + a.1 + a.2 + a.3 + a.4 + a.5 + a.6 + a.7 + a.8 + a.9
}

/// GFLOP/s (2 per lane per FMA) of `iterations` rounds of ten chains.
func gflops<V: SIMD>(_ type: V.Type, iterations: Int) -> Double where V.Scalar == Float {
    let seed = V(repeating: Float(CommandLine.arguments.count))
    let start = Date()
    let result = chains(iterations, start: seed)
    let seconds = Date().timeIntervalSince(start)
    precondition(result[0].isFinite)
    return Double(iterations) * 10 * Double(V.scalarCount) * 2 / seconds / 1e9
}

let iterations = 20_000_000
var avx2: [Double] = [], avx512: [Double] = []
for _ in 0 ..< 5 {
    avx2.append(gflops(SIMD8<Float>.self, iterations: iterations))
    avx512.append(gflops(SIMD16<Float>.self, iterations: iterations))
}
func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
print(String(format: "{\"bench\":\"fma-peak\",\"avx2_fma_gflops\":%.1f,\"avx512_fma_gflops\":%.1f,\"runs\":%d}",
             median(avx2), median(avx512), avx2.count))
