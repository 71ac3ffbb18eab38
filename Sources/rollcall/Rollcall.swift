import ArgumentParser
import RollcallCore

/// `rollcall`: the admin and evaluation tool (models, detection, evaluation, benchmarks, certificates,
/// enrollment).
@main
struct Rollcall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollcall",
        abstract: "Rollcall admin and evaluation tool.",
        version: RollcallVersion.current,
        subcommands: [
            ModelsCommand.self,
            EvalCommand.self,
            BenchCommand.self,
            CaptureCommand.self,
            PKICommand.self,
            TokenCommand.self,
            EnrollCommand.self,
            DetectCommand.self,
            EmotionCommand.self,
            OutboxSoakCommand.self,
        ]
    )
}
