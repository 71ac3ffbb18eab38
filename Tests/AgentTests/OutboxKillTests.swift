import Foundation
import Testing
import TestSupport
@testable import Agent

/// Crash safety with a real process: `rollcall outbox-soak` appends and delivers numbered messages (a line
/// flushed to a file plays the broker's PUBACK) and is killed with SIGKILL mid-way, then restarted.
@Suite struct OutboxKillTests {
    @Test func killNineLosesNothingAndResendsNothingAcknowledged() async throws {
        let binary = try BuiltProducts.path("rollcall")
        let folder = temporaryFolder()
        let delivered = folder + "/delivered.log"

        // First run: 400 messages, killed as soon as 150 are stored.
        let first = Process()
        first.executableURL = URL(fileURLWithPath: binary)
        first.arguments = ["outbox-soak", "--outbox", folder + "/outbox", "--delivered", delivered,
                           "--from", "0", "--count", "400", "--interval-ms", "1"]
        let pipe = Pipe()
        first.standardOutput = pipe
        try first.run()
        var stored: Set<Int> = []
        var buffer = ""
        while stored.count < 150 {
            let chunk = pipe.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            buffer += String(decoding: chunk, as: UTF8.self)
            while let newline = buffer.firstIndex(of: "\n") {
                let line = buffer[..<newline]
                if line.hasPrefix("stored "), let n = Int(line.dropFirst(7)) { stored.insert(n) }
                buffer = String(buffer[buffer.index(after: newline)...])
            }
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal)
        #expect(stored.count >= 150)

        let beforeRestart = try lines(delivered)
        let outboxAfterKill = try Outbox(folder: folder + "/outbox", maxBytes: 1 << 30).stats.depth
        #expect(beforeRestart.count + outboxAfterKill >= stored.count - 1)

        // Second run: no new messages; it only drains what the first run left.
        let second = Process()
        second.executableURL = URL(fileURLWithPath: binary)
        second.arguments = ["outbox-soak", "--outbox", folder + "/outbox", "--delivered", delivered]
        second.standardOutput = FileHandle.nullDevice
        try second.run()
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)

        let all = try lines(delivered)
        let unique = Set(all)
        #expect(stored.isSubset(of: unique), "every message stored before the kill is delivered")
        // At most the one message in flight at the kill (delivered, PUBACK seen, file not yet removed) is sent twice;
        // nothing acknowledged and removed before the kill is sent again.
        #expect(all.count - unique.count <= 1)
        let duplicates = Dictionary(grouping: all, by: { $0 }).filter { $0.value.count > 1 }.keys
        for duplicate in duplicates {
            #expect(beforeRestart.last == duplicate, "only the last delivery before the kill may repeat")
        }
        #expect(try Outbox(folder: folder + "/outbox", maxBytes: 1 << 30).stats.depth == 0)
    }

    func lines(_ path: String) throws -> [Int] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
    }
}
