// The notification log on PostgreSQL.
import Foundation
import PostgresNIO

extension PostgresStore {
    public func recordNotificationDelivery(_ delivery: NotificationDelivery) async throws(CloudError) -> NotificationDelivery {
        var stored = delivery.bounded
        let d = stored
        let ids = try await rows("record notification delivery", """
            INSERT INTO notification_delivery (event_key, kind, event_time, site_id, message, channel, target, outcome,
              attempts, http_status, last_error, finished_at)
            VALUES (\(d.eventKey), \(d.kind.rawValue), \(d.eventTime), \(d.siteID), \(d.message), \(d.channel.rawValue),
              \(d.target), \(d.outcome.rawValue), \(Int64(d.attempts)), \(d.httpStatus.map(Int64.init)), \(d.lastError),
              \(d.finishedAt))
            RETURNING id
            """) { try $0.value("id", as: Int64.self) }
        stored.id = ids.first
        return stored
    }

    public func notificationDeliveries(limit: Int, cursor: Int64?) async throws(CloudError) -> Page<NotificationDelivery> {
        let rows = try await rows("notification deliveries", """
            SELECT id, event_key, kind, event_time, site_id, message, channel, target, outcome, attempts, http_status,
              last_error, finished_at
            FROM notification_delivery WHERE (\(cursor)::BIGINT IS NULL OR id < \(cursor))
            ORDER BY id DESC LIMIT \(limit + 1)
            """) { row in
            (id: try row.value("id", as: Int64.self), eventKey: try row.value("event_key", as: String.self),
             kind: try row.value("kind", as: String.self), eventTime: try row.value("event_time", as: Date.self),
             siteID: try row.value("site_id", as: String?.self), message: try row.value("message", as: String.self),
             channel: try row.value("channel", as: String.self), target: try row.value("target", as: String.self),
             outcome: try row.value("outcome", as: String.self), attempts: try row.value("attempts", as: Int64.self),
             httpStatus: try row.value("http_status", as: Int64?.self), lastError: try row.value("last_error", as: String?.self),
             finishedAt: try row.value("finished_at", as: Date.self))
        }
        var items = [NotificationDelivery]()
        for r in rows.prefix(limit) {
            items.append(try NotificationDelivery.stored(
                id: r.id, eventKey: r.eventKey, kind: r.kind, eventTime: r.eventTime, siteID: r.siteID, message: r.message,
                channel: r.channel, target: r.target, outcome: r.outcome, attempts: r.attempts, httpStatus: r.httpStatus,
                lastError: r.lastError, finishedAt: r.finishedAt))
        }
        return Page(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
    }

    public func expireNotificationDeliveries(before: Date, keepingAtMost: Int) async throws(CloudError) -> Int {
        try await expireRows("expire notification deliveries", table: "notification_delivery", timeColumn: "finished_at",
                             key: "id", newestFirst: "id DESC", before: before, keepingAtMost: keepingAtMost)
    }
}
