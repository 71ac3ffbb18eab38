import ArgumentParser

/// `rollcall bench …`: speed measurements that print JSON with at least `median_ms` and `p90_ms`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure inference speed (JSON with median_ms and p90_ms on stdout).",
        subcommands: [
            Embed.self,
            VGG16Forward.self,
            MQTTBench.self,
            ImagingSteps.self,
            Detect.self,
            Emotion.self,
            AgentPipeline.self,
            CloudBench.self,
            Kernels.self,
        ]
    )
}
