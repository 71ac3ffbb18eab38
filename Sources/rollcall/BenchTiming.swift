import Foundation

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

    /// Prints `object` as one line of JSON with sorted keys.
    static func printJSON(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
