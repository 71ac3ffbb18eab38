import Cloud
import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing
import TestSupport

/// The live feed's events table on both stores: agent reports, gallery versions and decisions store their event
/// in their own transaction; readers page through them in one order and never skip one; old ones expire.
@Suite struct LiveEventStoreTests {
    @Test(arguments: StoreKind.allCases)
    func eventsAreStoredWithWhatTheyReportAndReadInOrder(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let tail = try await env.store.liveEventTail()
        #expect(try await env.store.liveEvents(after: tail, limit: 10).isEmpty)
        try await env.store.recordAgentSeen(siteID: "hq", id: "a1", at: Date(), status: "online", framesPerSecond: 5,
                                            outboxDepth: 0, outboxDropped: 0)
        _ = try await env.store.addGalleryVersion(workerCount: 0, reason: "enrolled", actor: "t") { _ in Data() }
        try await env.store.recordGalleryAck(siteID: "hq", agentID: "a1", version: 1, at: Date())
        _ = try await env.store.storeDecision(TrackStateStoreTests.request(galleryVersion: 1))
        let events = try await env.store.liveEvents(after: tail, limit: 10)
        #expect(events.map(\.name) == ["agent", "gallery", "agent", "detection"])
        #expect(events[0].data.contains("\"status\":\"online\"") && events[2].data.contains("\"galleryVersionAcked\":1"))
        #expect(events[1].data.contains("\"reason\":\"enrolled\"") && events[1].data.contains("\"version\":1"))
        let cursors = events.compactMap(\.cursor)
        #expect(cursors.count == 4 && cursors == cursors.sorted() && Set(cursors).count == 4)
        #expect(try await env.store.liveEventTail() == cursors.last)
        // Paging from any cursor gives the rest, in the same order.
        #expect(try await env.store.liveEvents(after: cursors[1], limit: 1).map(\.cursor) == [cursors[2]])
        #expect(try await env.store.liveEvents(after: cursors[1], limit: 10).map(\.cursor) == Array(cursors[2...]))
        // The SSE id of an event reads back as its cursor; anything else a browser sends is no cursor.
        #expect(EventCursor(cursors[3].description) == cursors[3])
        for bad in ["", "12", "1-2-3", "-1-2", "a-b", String(repeating: "9", count: 30) + "-1"] { #expect(EventCursor(bad) == nil) }

        // Expiry: by age, then by count (the newest stay).
        #expect(try await env.store.expireLiveEvents(before: Date().addingTimeInterval(-60), keepingAtMost: 3) == 1)
        #expect(try await env.store.liveEvents(after: .start, limit: 10).map(\.cursor) == Array(cursors[1...]))
        #expect(try await env.store.expireLiveEvents(before: Date().addingTimeInterval(1), keepingAtMost: 100) == 3)
        #expect(try await env.store.liveEvents(after: .start, limit: 10).isEmpty)
    }

    /// PostgreSQL draws event ids when a row is inserted, not when it commits: an event committed after a later
    /// one must still be read, so no reader lists the later one before the earlier transaction ends.
    @Test func anEventOfAnOpenTransactionHoldsBackLaterOnesUntilItCommits() async throws {
        let env = try await StoreHarness(.postgres)
        let server = try #require(env.server)
        let tail = try await env.store.liveEventTail()
        let logger = Logger(label: "test")
        var configuration = PostgresConnection.Configuration(host: "127.0.0.1", port: server.port, username: "rollcall",
                                                             password: nil, database: "rollcall", tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        try await connection.query("BEGIN", logger: logger)
        try await connection.query("INSERT INTO live_event (kind, data) VALUES ('agent', '{\"open\":true}')", logger: logger)
        // A later transaction commits its event while the first is open.
        try await env.store.recordAgentSeen(siteID: "hq", id: "a1", at: Date(), status: "online", framesPerSecond: nil,
                                            outboxDepth: nil, outboxDropped: nil)
        #expect(try await env.store.liveEvents(after: tail, limit: 10).isEmpty)
        #expect(try await env.store.liveEventTail() == tail)
        try await connection.query("COMMIT", logger: logger)
        let events = try await env.store.liveEvents(after: tail, limit: 10)
        #expect(events.count == 2 && events.first?.data == "{\"open\":true}" && events.last?.name == "agent")
        try await connection.close()
    }

    /// Every process LISTENs: a commit in one wakes the others' readers.
    @Test func aCommitWakesTheListenersOfOtherProcesses() async throws {
        let env = try await StoreHarness(.postgres)
        let other = try await PostgresStore.open(url: try #require(env.server).url, logger: Logger(label: "other"))
        let wakes = Mutex(0)
        let listening = Task { await other.watchLiveEvents { wakes.withLock { $0 += 1 } } }
        defer { listening.cancel() }
        #expect(await eventually(within: 20) { wakes.withLock { $0 } >= 1 })   // woken once connected
        let before = wakes.withLock { $0 }
        try await env.store.recordAgentSeen(siteID: "hq", id: "a1", at: Date(), status: "online", framesPerSecond: nil,
                                            outboxDepth: nil, outboxDropped: nil)
        #expect(await eventually(within: 20) { wakes.withLock { $0 } > before })
    }
}
