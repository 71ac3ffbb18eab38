import Foundation

/// An MQTT v5 client over libmosquitto.
///
/// ```swift
/// let client = try MQTTClient(configuration: .init(host: "127.0.0.1", port: 8883, clientID: "agent-s1-a1",
///     tls: .init(caFile: "ca.crt", certificateFile: "agent.crt", keyFile: "agent.key")))
/// try await client.connect()                         // throws if the broker refuses us
/// try await client.publish(payload, to: topic)       // QoS 1: returns after the broker's PUBACK
/// let gallery = try await client.subscribe(to: "rollcall/v1/sites/s1/gallery")
/// for await message in gallery { … }
/// await client.disconnect()
/// ```
///
/// After the first successful connection the client reconnects by itself (`ReconnectPolicy`); QoS 1 messages
/// published meanwhile are held by libmosquitto and sent on reconnection, and their `publish` calls return
/// when the broker acknowledges them. Subscriptions survive reconnections (the broker keeps them in a
/// persistent session; otherwise the client subscribes again).
public final class MQTTClient: Sendable {
    let session: MosquittoSession

    /// Creates a client; nothing connects until `connect()` or `start()`.
    public init(configuration: MQTTConfiguration) throws {
        session = try MosquittoSession(configuration: configuration)
    }

    deinit { session.requestStop() }

    /// The configuration the client was made with.
    public var configuration: MQTTConfiguration { session.configuration }

    /// Connection events (connected, failed attempts with their retry delay, losses, disconnects).
    public var events: AsyncStream<MQTTEvent> { session.events }

    /// Whether the client is connected now.
    public var isConnected: Bool { session.isConnected }

    /// Counters since creation.
    public var statistics: MQTTStatistics { session.statistics }

    /// Connects and waits for the broker's CONNACK. Throws `MQTTError` when the connection fails or is
    /// refused (unreachable, TLS handshake refused, CONNACK reason code) — unless
    /// `configuration.reconnect.failFirstConnect` is false, in which case it retries until connected.
    public func connect() async throws {
        try await session.connect(failFast: configuration.reconnect.failFirstConnect)
    }

    /// Starts connecting in the background and keeps retrying until `disconnect()`; `events` reports how it
    /// goes. For agents that must run while the broker is unreachable: QoS 1 publishes wait for it.
    public func start() {
        session.start()
    }

    /// Publishes `payload` on `topic`. With QoS 1 it returns only after the broker's PUBACK (so an outbox
    /// may delete the message then) and throws `.publishRefused` when the broker refuses it (e.g. the ACL);
    /// with QoS 0 it returns once the message is queued for sending.
    public func publish(_ payload: Data, to topic: String, qos: QoS = .atLeastOnce, retain: Bool = false) async throws {
        try await session.publish(topic: topic, payload: payload, qos: qos, retain: retain)
    }

    /// Subscribes to `filter` (wildcards and `$share/{group}/…` allowed) and returns the stream of messages
    /// matching it. Throws `.subscribeRefused` when the broker refuses the subscription.
    public func subscribe(to filter: String, qos: QoS = .atLeastOnce) async throws -> MQTTSubscription {
        let (token, stream) = try await session.subscribe(filter: filter, qos: qos)
        return MQTTSubscription(token: token, filter: filter, stream: stream)
    }

    /// Unsubscribes and ends the subscription's stream.
    public func unsubscribe(_ subscription: MQTTSubscription) async throws {
        try await session.unsubscribe(subscription.token)
    }

    /// Sends DISCONNECT (the broker does not publish the last will), stops reconnecting, ends every
    /// subscription stream and fails waiting publishes with `.notConnected`.
    public func disconnect() async {
        await session.disconnect()
    }

    /// Breaks the network connection as a failure would, so the client reconnects (for tests).
    public func simulateConnectionLoss() {
        session.breakConnection()
    }
}

/// The messages of one subscription, in arrival order.
public struct MQTTSubscription: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage
    let token: UInt64
    /// The filter subscribed to.
    public let filter: String
    let stream: AsyncStream<MQTTMessage>

    public func makeAsyncIterator() -> AsyncStream<MQTTMessage>.Iterator { stream.makeAsyncIterator() }
}
