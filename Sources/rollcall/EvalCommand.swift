import ArgumentParser

/// `rollcall eval …`: accuracy on labeled data, one JSON document on stdout.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure accuracy on labeled data (JSON on stdout).",
        subcommands: [Emotion.self]
    )
}
