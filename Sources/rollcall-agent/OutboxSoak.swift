import Agent
import ArgumentParser
import Foundation

/// Operations check of the disk outbox (also driven by the kill -9 test): appends numbered messages while a
/// drainer "delivers" them to an append-only file that plays the broker (a line flushed to disk is the PUBACK).
struct OutboxSoak: AsyncParsableCommand {
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
        let box = try Outbox(folder: outbox, maxBytes: 1 << 30)
        let sink = try FileSink(path: delivered)
        let stats = AgentStats()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await OutboxDrainer(outbox: box, publisher: sink, stats: stats).run() }
            for number in from..<(from + count) {
                try box.append(topic: "soak", payload: Data(String(number).utf8))
                say("stored \(number)")
                try await Task.sleep(for: .milliseconds(intervalMs))
            }
            while box.stats.depth > 0 { try await Task.sleep(for: .milliseconds(5)) }
            say("drained")
            group.cancelAll()
        }
    }
}

/// Writes a line to standard output unbuffered (the parent reads it before it may kill this process).
func say(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
}

/// The "broker" of the soak: appends each payload as a line and fsyncs before acknowledging.
final class FileSink: MessagePublishing, @unchecked Sendable {
    let fd: Int32
    let lock = NSLock()

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ValidationError("cannot open \(path)") }
    }

    deinit { close(fd) }

    func publish(topic: String, payload: Data, retain: Bool) async throws {
        try lock.withLock {
            let line = [UInt8](payload) + [10]
            guard line.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == line.count, fsync(fd) == 0 else {
                throw POSIXError(.EIO)
            }
        }
    }
}
