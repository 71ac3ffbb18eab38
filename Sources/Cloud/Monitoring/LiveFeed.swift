// The live feed: recognition results and fleet changes fanned out to dashboard viewers (server-sent events).
import Foundation
import Synchronization

/// One event on the live feed.
public struct LiveEvent: Sendable, Equatable {
    /// SSE event name: "detection", "agent" or "gallery".
    public var name: String
    /// JSON text.
    public var data: String

    public init(name: String, data: String) {
        self.name = name
        self.data = data
    }

    /// The event in server-sent-events framing (an unnamed event is a keep-alive comment).
    public var sse: String { name.isEmpty ? ": keep-alive\n\n" : "event: \(name)\ndata: \(data)\n\n" }
}

/// Fans events out to subscribers. Each subscriber has a bounded buffer: a slow viewer loses its oldest
/// events (counted), never slows the pipeline.
public final class LiveFeed: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<LiveEvent>.Continuation]>([:])
    private let metrics: CloudMetrics
    private let bufferSize: Int

    public init(metrics: CloudMetrics, bufferSize: Int = 256) {
        self.metrics = metrics
        self.bufferSize = bufferSize
    }

    /// One viewer's subscription: its events, and a way to end it or slip a keep-alive in.
    public struct Subscription: Sendable {
        /// The events, until `finish()` or `LiveFeed.finishAll()`.
        public let events: AsyncStream<LiveEvent>
        let continuation: AsyncStream<LiveEvent>.Continuation

        /// Ends the subscription.
        public func finish() { continuation.finish() }

        /// Adds an SSE comment to this subscriber's stream (detects vanished clients on write).
        public func keepAlive() { continuation.yield(LiveEvent(name: "", data: "")) }
    }

    /// A new subscription; it ends when finished or when its consumer goes away.
    public func subscribe() -> Subscription {
        let id = UUID()
        let (stream, continuation) = AsyncStream<LiveEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return Subscription(events: stream, continuation: continuation)
    }

    /// Number of current subscribers.
    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// Sends `event` to every subscriber.
    public func publish(_ event: LiveEvent) {
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets {
            if case .dropped = continuation.yield(event) {
                metrics.increment("rollcall_cloud_live_events_dropped_total")
            }
        }
    }

    /// Sends an encodable value as JSON.
    public func publish(_ name: String, _ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value) else { return }
        publish(LiveEvent(name: name, data: String(decoding: data, as: UTF8.self)))
    }

    /// Ends every subscription (shutdown).
    public func finishAll() {
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets { continuation.finish() }
    }
}
