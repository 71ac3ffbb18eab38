import Foundation

/// One notification sent on one channel (the MQTT topic or one webhook), as stored once its delivery ended:
/// the event it carried, the outcome, how many attempts it took and the last failure seen.
public struct NotificationDelivery: Sendable, Codable, Equatable {
    /// Where it went.
    public enum Channel: String, Sendable, Codable, CaseIterable {
        case mqtt, webhook
    }

    /// How the delivery ended.
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// Published on the topic (QoS 1 acknowledged by the broker), or a webhook answered 2xx.
        case delivered
        /// A webhook refused it for good (3xx, or a 4xx not worth retrying).
        case refused
        /// Every attempt failed (webhook), or the broker did not take it (MQTT).
        case failed
        /// The cloud stopped while it was still being retried.
        case cancelled
    }

    /// Set by the store.
    public var id: Int64?
    /// The event's key (`NotificationEvent.key`): the same for every channel it went to.
    public var eventKey: String
    public var kind: NotificationEvent.Kind
    /// When the cloud decided the event.
    public var eventTime: Date
    public var siteID: String?
    public var message: String
    public var channel: Channel
    /// The MQTT topic, or the webhook's URL without its query, fragment or user info.
    public var target: String
    public var outcome: Outcome
    /// Attempts made (1 for MQTT; 0 when the body could not be made).
    public var attempts: Int
    /// The HTTP status of the last answer (webhooks).
    public var httpStatus: Int?
    /// The last failure seen, also when a later attempt succeeded.
    public var lastError: String?
    /// When the delivery ended.
    public var finishedAt: Date

    public init(id: Int64? = nil, eventKey: String, kind: NotificationEvent.Kind, eventTime: Date, siteID: String?,
                message: String, channel: Channel, target: String, outcome: Outcome, attempts: Int,
                httpStatus: Int? = nil, lastError: String? = nil, finishedAt: Date) {
        self.id = id
        self.eventKey = eventKey
        self.kind = kind
        self.eventTime = eventTime
        self.siteID = siteID
        self.message = message
        self.channel = channel
        self.target = target
        self.outcome = outcome
        self.attempts = attempts
        self.httpStatus = httpStatus
        self.lastError = lastError
        self.finishedAt = finishedAt
    }

    /// The delivery of `event` on `channel` to `target`, ended now.
    public init(_ event: NotificationEvent, channel: Channel, target: String, outcome: Outcome, attempts: Int,
                httpStatus: Int? = nil, lastError: String? = nil, finishedAt: Date = Date()) {
        self.init(eventKey: event.key, kind: event.kind, eventTime: event.time, siteID: event.siteID,
                  message: event.message, channel: channel, target: target, outcome: outcome, attempts: attempts,
                  httpStatus: httpStatus, lastError: lastError, finishedAt: finishedAt)
    }

    /// Longest stored text of a message or an error (longer ones are cut, marked with "…").
    public static let maximumTextLength = 1_000

    /// `text` cut to `maximumTextLength` characters.
    static func bounded(_ text: String) -> String {
        text.count <= maximumTextLength ? text : String(text.prefix(maximumTextLength - 1)) + "…"
    }

    /// The delivery with its message and error cut to the stored length.
    public var bounded: NotificationDelivery {
        var copy = self
        copy.message = Self.bounded(message)
        copy.lastError = lastError.map(Self.bounded)
        return copy
    }
}
