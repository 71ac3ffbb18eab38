import ArgumentParser

/// `rollcall bench …`: speed measurements that print JSON with at least `median_ms` and `p90_ms`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure inference speed (JSON on stdout).",
        subcommands: [VGG16Forward.self, AgentPipeline.self]
    )
}
