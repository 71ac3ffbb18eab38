import Foundation

/// The log of notifications sent (SQLite and PostgreSQL): one row per event and channel.
public protocol NotificationStore: Sendable {
    /// Stores one ended delivery (its message and error cut to `NotificationDelivery.maximumTextLength`) and
    /// returns it with its id.
    func recordNotificationDelivery(_ delivery: NotificationDelivery) async throws(CloudError) -> NotificationDelivery

    /// Deliveries newest first, `limit` per page; `cursor` is the previous page's `nextCursor`.
    func notificationDeliveries(limit: Int, cursor: Int64?) async throws(CloudError) -> Page<NotificationDelivery>

    /// Deletes deliveries that ended before `before`, then all but the newest `keepingAtMost`; returns how many
    /// went.
    func expireNotificationDeliveries(before: Date, keepingAtMost: Int) async throws(CloudError) -> Int
}
