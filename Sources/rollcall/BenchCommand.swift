import ArgumentParser

/// `rollcall bench …`: speed of the inference paths, medians over repeated runs, JSON on stdout.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time inference paths (JSON with median_ms and p90_ms on stdout).",
        subcommands: [Embed.self]
    )
}

/// Median and 90th percentile of `samples` (milliseconds).
func benchFigures(_ samples: [Double]) -> (median: Double, p90: Double) {
    let sorted = samples.sorted()
    guard !sorted.isEmpty else { return (0, 0) }
    let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2]
        : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    let p90 = sorted[min(sorted.count - 1, Int((0.9 * Double(sorted.count - 1)).rounded(.up)))]
    return (median, p90)
}
