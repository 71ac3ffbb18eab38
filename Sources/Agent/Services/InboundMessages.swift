/// Messages arriving from the broker on a subscription (MQTT QoS 1).
public protocol MessageSubscribing: Sendable {
    /// Subscribes to `filter`; the stream ends when the subscription does.
    func subscribe(_ filter: String) async throws -> AsyncStream<[UInt8]>
}
