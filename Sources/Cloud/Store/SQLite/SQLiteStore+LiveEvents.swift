// The live feed's events on SQLite: one writer at a time, so ids are in commit order and an event's id alone is
// its place in the feed.
import Foundation
import GRDB

extension SQLiteStore {
    /// Stores a live event in the caller's transaction.
    static func insertEvent(_ event: LiveEvent, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO liveEvent (time, kind, data, workerID) VALUES (?, ?, ?, ?)",
                       arguments: [Date(), event.name, event.data, event.workerID])
    }

    public func addLiveEvent(_ event: LiveEvent) async throws(CloudError) {
        try await write { db in try Self.insertEvent(event, db) }
    }

    public func liveEvents(after cursor: EventCursor, limit: Int) async throws(CloudError) -> [LiveEvent] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, kind, data, workerID FROM liveEvent WHERE id > ? ORDER BY id LIMIT ?
                """, arguments: [cursor.id, limit]).map { row in
                LiveEvent(name: row["kind"], data: row["data"], cursor: EventCursor(tx: 0, id: row["id"]),
                          workerID: row["workerID"])
            }
        }
    }

    public func liveEventTail() async throws(CloudError) -> EventCursor {
        let id = try await read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM liveEvent") }
        return EventCursor(tx: 0, id: id ?? 0)
    }

    /// No other process writes an SQLite file the cloud serves: nothing to hear; waits until cancelled.
    public func watchLiveEvents(_ wake: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    public func expireLiveEvents(before: Date, keepingAtMost: Int) async throws(CloudError) -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM liveEvent WHERE time < ?", arguments: [before])
            var removed = db.changesCount
            if let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM liveEvent") {
                try db.execute(sql: "DELETE FROM liveEvent WHERE id <= ?", arguments: [newest - Int64(max(0, keepingAtMost))])
                removed += db.changesCount
            }
            return removed
        }
    }
}
