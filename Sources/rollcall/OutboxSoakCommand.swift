import ArgumentParser
import Evaluation

/// `rollcall outbox-soak`: the disk outbox's crash-safety fixture (driven by the kill -9 test).
struct OutboxSoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox-soak",
        abstract: "Append numbered messages to an outbox folder and deliver them to a file (crash-safety check).",
        shouldDisplay: false
    )

    @Option(help: "Outbox folder.") var outbox: String
    @Option(help: "File that receives delivered message numbers, one per line.") var delivered: String
    @Option(help: "First message number.") var from: Int = 0
    @Option(help: "How many messages to append.") var count: Int = 0
    @Option(help: "Milliseconds between appends.") var intervalMs: Int = 1

    func run() async throws {
        try await OutboxSoak.run(outbox: outbox, delivered: delivered, first: from, count: count,
                                 interval: .milliseconds(intervalMs))
    }
}
