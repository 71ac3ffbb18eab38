// The live feed's events on PostgreSQL, shared by every process: stored in the transaction of what they report,
// announced by NOTIFY (which PostgreSQL sends only when that transaction commits), read in one order by all.
import Foundation
import PostgresNIO

extension PostgresStore {
    /// The channel every process LISTENs on; the payload is empty (readers read the table).
    static let liveChannel = "rollcall_live_events"

    /// Stores a live event in the caller's transaction and notifies the listeners on commit.
    static func insertEvent(_ event: LiveEvent, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            WITH stored AS (
              INSERT INTO live_event (kind, data, worker_id) VALUES (\(event.name), \(event.data), \(event.workerID))
              RETURNING id)
            SELECT pg_notify(\(liveChannel), '') FROM stored
            """, logger: logger)
    }

    public func addLiveEvent(_ event: LiveEvent) async throws(CloudError) {
        let logger = self.logger
        try await transaction("add live event") { connection in
            try await Self.insertEvent(event, on: connection, logger: logger)
        }
    }

    /// Committed events after `cursor`, ordered by (storing transaction's id, event id). Ids are drawn when a
    /// row is inserted, not when it commits, so id order alone could list a later event before an earlier one
    /// commits and skip it for ever. Instead only events of transactions older than every transaction still
    /// running (`tx` below the snapshot's xmin) are listed: no event can later appear before them, and a cursor
    /// moved to the last one listed misses nothing. (A transaction left open holds the feed back; sessions
    /// end idle transactions after 30 s.)
    public func liveEvents(after cursor: EventCursor, limit: Int) async throws(CloudError) -> [LiveEvent] {
        try await rows("live events", """
            SELECT tx, id, kind, data, worker_id FROM live_event
            WHERE (tx, id) > (\(cursor.tx), \(cursor.id))
              AND tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
            ORDER BY tx, id LIMIT \(limit)
            """) { row in
            LiveEvent(name: try row.value("kind"), data: try row.value("data"),
                      cursor: EventCursor(tx: try row.value("tx", as: Int64.self), id: try row.value("id", as: Int64.self)),
                      workerID: try row.value("worker_id", as: Int64?.self))
        }
    }

    public func liveEventTail() async throws(CloudError) -> EventCursor {
        try await rows("live event tail", """
            SELECT tx, id FROM live_event WHERE tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
            ORDER BY tx DESC, id DESC LIMIT 1
            """) { EventCursor(tx: try $0.value("tx", as: Int64.self), id: try $0.value("id", as: Int64.self)) }
            .first ?? .start
    }

    /// LISTENs on its own connection (the pool's connections come and go), waking the reader for every
    /// notification and after every (re)connection; reconnects after a second when the connection fails.
    public func watchLiveEvents(_ wake: @escaping @Sendable () -> Void) async {
        let logger = self.logger
        var attempt = 0
        while !Task.isCancelled {
            do {
                attempt += 1
                let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(),
                                                                      id: attempt, logger: logger)
                do {
                    try await connection.listen(on: Self.liveChannel) { notifications in
                        wake()   // what was stored while nobody listened
                        for try await _ in notifications { wake() }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                guard !Task.isCancelled else { return }
                logger.debug("live events: listening failed, again in 1 s: \(Self.describe(error))")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    public func expireLiveEvents(before: Date, keepingAtMost: Int) async throws(CloudError) -> Int {
        try await expireRows("expire live events", table: "live_event", timeColumn: "time", key: "id",
                             newestFirst: "tx DESC, id DESC", before: before, keepingAtMost: keepingAtMost)
    }
}
