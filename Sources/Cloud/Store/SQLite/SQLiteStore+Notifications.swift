// The notification log in SQLite.
import Foundation
import GRDB

extension SQLiteStore {
    public func recordNotificationDelivery(_ delivery: NotificationDelivery) async throws(CloudError) -> NotificationDelivery {
        var stored = delivery.bounded
        let row = stored
        stored.id = try await write { db in
            try db.execute(sql: """
                INSERT INTO notificationDelivery (eventKey, kind, eventTime, siteID, message, channel, target, outcome,
                  attempts, httpStatus, lastError, finishedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [row.eventKey, row.kind.rawValue, row.eventTime, row.siteID, row.message,
                                 row.channel.rawValue, row.target, row.outcome.rawValue, row.attempts, row.httpStatus,
                                 row.lastError, row.finishedAt])
            return db.lastInsertedRowID
        }
        return stored
    }

    public func notificationDeliveries(limit: Int, cursor: Int64?) async throws(CloudError) -> Page<NotificationDelivery> {
        let rows = try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM notificationDelivery WHERE (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?
                """, arguments: [cursor, cursor, limit + 1]).map { row in
                try NotificationDelivery.stored(
                    id: row["id"], eventKey: row["eventKey"], kind: row["kind"], eventTime: row["eventTime"],
                    siteID: row["siteID"], message: row["message"], channel: row["channel"], target: row["target"],
                    outcome: row["outcome"], attempts: row["attempts"], httpStatus: row["httpStatus"],
                    lastError: row["lastError"], finishedAt: row["finishedAt"])
            }
        }
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
    }

    public func expireNotificationDeliveries(before: Date, keepingAtMost: Int) async throws(CloudError) -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM notificationDelivery WHERE finishedAt < ?", arguments: [before])
            var removed = db.changesCount
            if let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM notificationDelivery") {
                try db.execute(sql: "DELETE FROM notificationDelivery WHERE id <= ?",
                               arguments: [newest - Int64(max(0, keepingAtMost))])
                removed += db.changesCount
            }
            return removed
        }
    }
}
