// The disk outbox's crash-safety fixture (run as `rollcall outbox-soak`, killed with SIGKILL by the outbox kill
// test): appends numbered messages while a drainer "delivers" them to an append-only file that plays the broker
// (a line flushed to disk is the PUBACK). Tooling: no executable the agent or the cloud ships contains it.
import Agent
import Foundation

/// Appends numbered messages to an outbox and drains them into a file, reporting each step on standard output.
public enum OutboxSoak {
    /// Appends `count` messages numbered from `first` (one every `interval`), printing `stored N` after each is
    /// stored, then waits until the drainer delivered everything and prints `drained`.
    public static func run(outbox folder: String, delivered path: String, first: Int, count: Int,
                           interval: Duration) async throws {
        let box = try Outbox(folder: folder, maxBytes: 1 << 30)
        let sink = try FileSink(path: path)
        let stats = AgentStats()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await OutboxDrainer(outbox: box, publisher: sink, stats: stats).run() }
            for number in first ..< (first + count) {
                try box.append(topic: "soak", payload: Data(String(number).utf8))
                say("stored \(number)")
                try await Task.sleep(for: interval)
            }
            while box.stats.depth > 0 { try await Task.sleep(for: .milliseconds(5)) }
            say("drained")
            group.cancelAll()
        }
    }

    /// Writes a line to standard output unbuffered (the parent reads it before it may kill this process).
    static func say(_ text: String) {
        let line = Array((text + "\n").utf8)
        _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}

/// The "broker" of the soak: appends each payload as a line and fsyncs before acknowledging.
final class FileSink: MessagePublishing, @unchecked Sendable {
    let fd: Int32
    let lock = NSLock()

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
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
