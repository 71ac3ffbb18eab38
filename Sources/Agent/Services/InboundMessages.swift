import Foundation

/// Messages arriving from the broker on a subscription (MQTT QoS 1).
public protocol MessageSubscribing: Sendable {
    /// Subscribes to `filter` and calls `handle` with each message's payload, in arrival order, until the
    /// subscription ends or the calling task is cancelled.
    func receive(_ filter: String, handle: @Sendable (Data) async -> Void) async throws
}
