import Foundation
import Testing
import TestSupport
@testable import Agent

/// A fresh empty folder under the system's temporary folder.
func temporaryFolder(_ name: String = #function) -> String {
    let path = NSTemporaryDirectory() + "rollcall-agent-tests/\(name.filter(\.isLetter))-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// An in-memory broker stand-in for unit tests: records what was acknowledged; can be switched off (outage).
final class RecordingPublisher: MessagePublishing, @unchecked Sendable {
    private let lock = NSLock()
    private var _delivered: [(topic: String, payload: [UInt8])] = []
    private var _up = true
    private var _attempts = 0

    var delivered: [(topic: String, payload: [UInt8])] { lock.withLock { _delivered } }
    var attempts: Int { lock.withLock { _attempts } }
    func setUp(_ up: Bool) { lock.withLock { _up = up } }

    func publish(topic: String, payload: Data, retain: Bool) async throws {
        try lock.withLock {
            _attempts += 1
            guard _up else { throw POSIXError(.ECONNREFUSED) }
            _delivered.append((topic, [UInt8](payload)))
        }
    }
}

@Suite struct OutboxTests {
    @Test func entriesSurviveReopeningInOrder() throws {
        let folder = temporaryFolder()
        do {
            let outbox = try Outbox(folder: folder, maxBytes: 1 << 20)
            for i in 0..<5 { try outbox.append(topic: "t/\(i)", payload: Data([UInt8(i)]), createdAt: Double(i)) }
        }
        let reopened = try Outbox(folder: folder, maxBytes: 1 << 20)
        #expect(reopened.stats.depth == 5)
        #expect(reopened.stats.oldestCreatedAt == 0)
        var topics: [String] = []
        while let entry = try reopened.checkOut() {
            topics.append(entry.topic)
            try reopened.acknowledge(entry.sequence)
        }
        #expect(topics == (0..<5).map { "t/\($0)" })
        #expect(try reopened.append(topic: "t/5", payload: Data()) == 6, "sequences continue after a restart")
    }

    @Test func acknowledgedEntriesAreNeverSeenAgain() throws {
        let folder = temporaryFolder()
        do {
            let outbox = try Outbox(folder: folder, maxBytes: 1 << 20)
            for i in 0..<4 { try outbox.append(topic: "t", payload: Data([UInt8(i)])) }
            for _ in 0..<2 {
                let entry = try #require(try outbox.checkOut())
                try outbox.acknowledge(entry.sequence)
            }
            // The third is in flight (published, no PUBACK yet) when the agent dies.
            _ = try outbox.checkOut()
        }
        let reopened = try Outbox(folder: folder, maxBytes: 1 << 20)
        var payloads: [UInt8] = []
        while let entry = try reopened.checkOut() {
            payloads += entry.payload
            try reopened.acknowledge(entry.sequence)
        }
        #expect(payloads == [2, 3], "acknowledged 0 and 1 are gone; the unacknowledged 2 is sent again")
    }

    @Test func crashLeftoversAreRecovered() throws {
        let folder = temporaryFolder()
        do {
            let outbox = try Outbox(folder: folder, maxBytes: 1 << 20)
            for i in 0..<3 { try outbox.append(topic: "t", payload: Data(repeating: UInt8(i), count: 100)) }
        }
        // Crash while writing entry 4: only its temporary file exists.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: "\(folder)/.\(OutboxEntry.fileName(4)).tmp"))
        // A damaged entry (disk trouble): truncated, and one with a flipped payload byte.
        let second = "\(folder)/\(OutboxEntry.fileName(2))"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: second))
        try bytes.prefix(40).write(to: URL(fileURLWithPath: second))
        let third = "\(folder)/\(OutboxEntry.fileName(3))"
        var flipped = try Data(contentsOf: URL(fileURLWithPath: third))
        flipped[flipped.count - 1] ^= 0xFF
        try flipped.write(to: URL(fileURLWithPath: third))
        // Something that is not ours.
        try Data("note".utf8).write(to: URL(fileURLWithPath: "\(folder)/README"))

        let outbox = try Outbox(folder: folder, maxBytes: 1 << 20)
        #expect(outbox.stats.depth == 1)
        #expect(outbox.stats.droppedCorrupt == 2)
        #expect(try outbox.checkOut()?.payload == Data(repeating: 0, count: 100))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == [OutboxEntry.fileName(1), "README"])
        #expect(try outbox.append(topic: "t", payload: Data()) == 4, "no sequence is reused")
    }

    @Test func fullOutboxDropsTheOldestAndCounts() throws {
        let folder = temporaryFolder()
        let entrySize = OutboxEntry(sequence: 0, topic: "t", payload: Data(count: 1000), createdAt: 0).fileSize
        let maxBytes = 20_000
        let outbox = try Outbox(folder: folder, maxBytes: maxBytes)
        let capacity = maxBytes / entrySize
        for i in 0..<(capacity + 7) { try outbox.append(topic: "t", payload: Data(count: 1000), createdAt: Double(i)) }
        let stats = outbox.stats
        #expect(stats.depth == capacity)
        #expect(stats.droppedOldest == 7)
        #expect(stats.bytes <= maxBytes)
        #expect(stats.oldestCreatedAt == 7, "the seven oldest went first")
        #expect(throws: OutboxError.self) { try outbox.append(topic: "t", payload: Data(count: maxBytes)) }
        #expect(throws: OutboxError.self) { try outbox.append(topic: "", payload: Data()) }
        // The count outlives the process: drops happen while nothing reaches the cloud, and are reported after.
        let reopened = try Outbox(folder: folder, maxBytes: maxBytes)
        #expect(reopened.stats.droppedOldest == 7)
        #expect(reopened.stats.depth == capacity, "the count's file is not taken for an entry")
    }

    @Test func drainerDeliversEverythingAcrossABrokerOutage() async throws {
        let folder = temporaryFolder()
        let outbox = try Outbox(folder: folder, maxBytes: 1 << 20)
        let publisher = RecordingPublisher()
        publisher.setUp(false)
        let drainer = OutboxDrainer(outbox: outbox, publisher: publisher, stats: AgentStats(), window: 1,
                                    backoff: (.milliseconds(5), .milliseconds(20)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await drainer.run() }
            for i in 0..<50 { try outbox.append(topic: "crops", payload: Data([UInt8(i)])) }
            #expect(await eventually { publisher.attempts >= 5 })
            #expect(publisher.delivered.isEmpty)
            #expect(outbox.stats.depth == 50, "nothing leaves the outbox while the broker is down")
            publisher.setUp(true)
            for i in 50..<60 { try outbox.append(topic: "crops", payload: Data([UInt8(i)])) }
            #expect(await eventually { outbox.stats.depth == 0 })
            group.cancelAll()
            try await group.waitForAll()
        }
        #expect(publisher.delivered.map { $0.payload[0] } == (0..<60).map(UInt8.init), "all, in order, once")
        #expect(outbox.stats.acknowledged == 60)
    }

    @Test func windowedDrainerDeliversEachEntryOnce() async throws {
        let outbox = try Outbox(folder: temporaryFolder(), maxBytes: 1 << 20)
        let publisher = RecordingPublisher()
        let drainer = OutboxDrainer(outbox: outbox, publisher: publisher, stats: AgentStats(), window: 8,
                                    backoff: (.milliseconds(5), .milliseconds(20)))
        for i in 0..<100 { try outbox.append(topic: "t", payload: Data([UInt8(i)])) }
        publisher.setUp(false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await drainer.run() }
            #expect(await eventually { publisher.attempts >= 16 })
            publisher.setUp(true)
            #expect(await eventually { outbox.stats.depth == 0 })
            group.cancelAll()
            try await group.waitForAll()
        }
        let payloads = publisher.delivered.map { $0.payload[0] }
        #expect(payloads.count == 100)
        #expect(Set(payloads) == Set((0..<100).map(UInt8.init)))
    }
}
