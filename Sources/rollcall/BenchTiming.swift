import Foundation
import Neural

/// Timing helpers shared by the `bench` subcommands.
enum BenchTiming {
    /// Milliseconds `body` takes, measured with the monotonic clock.
    static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    /// The `q` quantile (0…1) of `samples` (nearest rank).
    static func quantile(_ samples: [Double], _ q: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        let rank = Int((q * Double(sorted.count - 1)).rounded())
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// Median (mean of the two middle values for an even count) and 90th percentile (nearest rank, rounded
    /// up) of `samples` in milliseconds.
    static func figures(_ samples: [Double]) -> (median: Double, p90: Double) {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return (.nan, .nan) }
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        let p90 = sorted[min(sorted.count - 1, Int((0.9 * Double(sorted.count - 1)).rounded(.up)))]
        return (median, p90)
    }

    /// Prints `object` as one line of JSON with sorted keys, with which kernels ran added: `isa` (the
    /// instruction set of Neural's own kernels), `gemm` (e.g. "rollcall-avx512" or "openblas-Haswell"),
    /// `blas_core` (OpenBLAS's own choice) and `kernel_notes` when an override was ignored.
    static func printJSON(_ object: [String: Any]) throws {
        var object = object
        let kernels = KernelDispatch.active
        object["isa"] = kernels.isa.rawValue
        object["gemm"] = kernels.gemmName
        object["blas_core"] = BLAS.coreName
        if !kernels.notes.isEmpty { object["kernel_notes"] = kernels.notes }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
