import Foundation

/// MQTT delivery guarantee.
public enum QoS: Int32, Sendable, Comparable {
    /// At most once: no acknowledgement.
    case atMostOnce = 0
    /// At least once: the broker acknowledges with PUBACK; duplicates are possible.
    case atLeastOnce = 1

    public static func < (lhs: QoS, rhs: QoS) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A message received on a subscription (or to publish).
public struct MQTTMessage: Sendable, Equatable {
    public var topic: String
    public var payload: Data
    public var qos: QoS
    public var retain: Bool
    /// What `MQTTClient.acknowledge(_:)` needs to acknowledge this message: set on QoS 1 messages received by a
    /// client with `manualAcknowledgements`, nil otherwise (the client acknowledged it on receipt).
    public var acknowledgement: MQTTAcknowledgement?

    public init(topic: String, payload: Data, qos: QoS = .atLeastOnce, retain: Bool = false,
                acknowledgement: MQTTAcknowledgement? = nil) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.acknowledgement = acknowledgement
    }
}

/// What happens to the connection, for logs, metrics and status displays.
public enum MQTTEvent: Sendable, Equatable {
    /// Connected (or reconnected); `sessionPresent` says whether the broker kept the session.
    case connected(sessionPresent: Bool)
    /// A connection attempt failed; the client retries after `retryIn` seconds (nil: it gave up).
    case connectFailed(MQTTError, retryIn: Double?)
    /// An established connection was lost; the client reconnects after `retryIn` seconds.
    case connectionLost(MQTTError, retryIn: Double)
    /// Disconnected on request.
    case disconnected
}

/// Counters since the client was created.
public struct MQTTStatistics: Sendable, Equatable {
    public var connects = 0
    public var connectionLosses = 0
    public var failedConnects = 0
    public var messagesPublished = 0
    public var messagesReceived = 0
    /// Messages dropped because a subscription's buffer was full, or no subscription matched and the
    /// holding buffer for them was full.
    public var messagesDropped = 0
    /// Manual acknowledgements that released a message's PUBACK.
    public var messagesAcknowledged = 0
    /// Manual acknowledgements of a message whose connection was lost first: the broker delivers it again.
    public var staleAcknowledgements = 0
    /// Subscriptions the broker refused when the client subscribed again on a new connection.
    public var subscriptionsRefused = 0
    public init() {}
}
