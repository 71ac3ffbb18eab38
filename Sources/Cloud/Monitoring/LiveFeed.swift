// The live feed: recognition results and fleet changes fanned out to dashboard viewers (server-sent events).
// Events come from the database (`LiveEventRelay`), so every process's viewers see what any process stored.
import Foundation
import Synchronization

/// One event on the live feed.
public struct LiveEvent: Sendable, Equatable {
    /// SSE event name: "detection", "agent" or "gallery".
    public var name: String
    /// JSON text.
    public var data: String
    /// Its place in the feed once stored (sent as the SSE `id:`); nil before.
    public var cursor: EventCursor?
    /// The worker the event names (a detection's), so that erasing the worker erases the event.
    public var workerID: Int64?

    public init(name: String, data: String, cursor: EventCursor? = nil, workerID: Int64? = nil) {
        self.name = name
        self.data = data
        self.cursor = cursor
        self.workerID = workerID
    }

    /// An event carrying `value` as JSON (ISO 8601 dates, sorted keys); its JSON is "{}" if it cannot be
    /// encoded (the value types the feed carries always can).
    public init(name: String, encoding value: some Encodable, workerID: Int64? = nil) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        self.init(name: name, data: data, workerID: workerID)
    }

    /// The event in server-sent-events framing (an unnamed event is a keep-alive comment).
    public var sse: String {
        guard !name.isEmpty else { return ": keep-alive\n\n" }
        return (cursor.map { "id: \($0)\n" } ?? "") + "event: \(name)\ndata: \(data)\n\n"
    }
}

/// Fans events out to subscribers. Each subscriber has a bounded buffer: a slow viewer loses its oldest
/// events (counted), never slows the pipeline.
public final class LiveFeed: Sendable {
    private struct State {
        var subscribers: [UUID: AsyncStream<LiveEvent>.Continuation] = [:]
        /// The last stored event delivered (nil before the relay started).
        var delivered: EventCursor?
    }

    private let state = Mutex(State())
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
        /// The last stored event delivered before this subscription began: it receives exactly the stored events
        /// after it (nil: the relay had not started).
        public let after: EventCursor?
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
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        let after = state.withLock { state -> EventCursor? in
            state.subscribers[id] = continuation
            return state.delivered
        }
        return Subscription(events: stream, after: after, continuation: continuation)
    }

    /// Number of current subscribers.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// The last stored event delivered.
    public var delivered: EventCursor? { state.withLock { $0.delivered } }

    /// Sets where delivery starts (the relay, before its first events).
    func start(after cursor: EventCursor) {
        state.withLock { state in
            if state.delivered == nil { state.delivered = cursor }
        }
    }

    /// Sends `event` to every subscriber; a stored event (with a cursor) moves the delivery position, atomically
    /// with the sending, so a subscription sees every stored event after its `after` once.
    public func publish(_ event: LiveEvent) {
        let dropped = state.withLock { state -> Int in
            if let cursor = event.cursor {
                guard state.delivered.map({ $0 < cursor }) ?? true else { return 0 }
                state.delivered = cursor
            }
            var dropped = 0
            for continuation in state.subscribers.values {
                if case .dropped = continuation.yield(event) { dropped += 1 }
            }
            return dropped
        }
        if dropped > 0 { metrics.increment("rollcall_cloud_live_events_dropped_total", by: Double(dropped)) }
    }

    /// Ends every subscription (shutdown).
    public func finishAll() {
        let targets = state.withLock { Array($0.subscribers.values) }
        for continuation in targets { continuation.finish() }
    }
}
