// The live feed as server-sent events: each stored event with its `id:`, and a reconnecting browser resumed
// from its `Last-Event-ID` without a gap, whichever process it reconnects to.
import Foundation
import Hummingbird
import ServiceLifecycle

extension LiveEventRelay {
    /// Most stored events sent to a reconnecting viewer before the live ones; beyond, it resumes from the
    /// oldest of the newest ones (counted in `rollcall_cloud_live_replay_truncated_total`).
    static let replayLimit = 5_000

    /// The request's `Last-Event-ID` header (an EventSource that reconnects sends the last `id:` it saw).
    public static func lastEventID(of headers: HTTPFields) -> String? {
        headers.first { $0.name.canonicalName == "last-event-id" }?.value
    }

    /// The `text/event-stream` response of one viewer. With `lastEventID` (sent by the browser's EventSource
    /// when it reconnects) the stored events after it come first, then the live ones; none is sent twice. Ends
    /// on graceful shutdown; a keep-alive comment every 15 s finds viewers that went away.
    public func response(lastEventID: String?) -> Response {
        let subscription = live.subscribe()
        let resumeAfter = lastEventID.flatMap { EventCursor($0.trimmingCharacters(in: .whitespaces)) }
        if lastEventID != nil, resumeAfter == nil { metrics.increment("rollcall_cloud_live_bad_last_event_id_total") }
        return Response(status: .ok,
                        headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                        body: .init { writer in
                            defer { subscription.finish() }
                            try await withGracefulShutdownHandler {
                                try await withThrowingTaskGroup(of: Void.self) { group in
                                    group.addTask {
                                        while true {
                                            try await Task.sleep(nanoseconds: 15_000_000_000)
                                            subscription.keepAlive()
                                        }
                                    }
                                    try await writer.write(ByteBuffer(string: ": connected\n\n"))
                                    var sentUpTo = resumeAfter
                                    if let resumeAfter, let upTo = subscription.after, resumeAfter < upTo {
                                        for event in try await self.missed(after: resumeAfter, upTo: upTo) {
                                            try await writer.write(ByteBuffer(string: event.sse))
                                        }
                                        sentUpTo = upTo
                                    }
                                    for await event in subscription.events {
                                        // Already sent (replayed, or seen by the browser on another process).
                                        if let cursor = event.cursor, let sentUpTo, cursor <= sentUpTo { continue }
                                        try await writer.write(ByteBuffer(string: event.sse))
                                    }
                                    group.cancelAll()
                                }
                            } onGracefulShutdown: {
                                subscription.finish()
                            }
                            try await writer.finish(nil)
                        })
    }

    /// The stored events in (`after`, `upTo`], at most `replayLimit` (the newest of them when there are more).
    func missed(after: EventCursor, upTo: EventCursor) async throws(CloudError) -> [LiveEvent] {
        var events: [LiveEvent] = []
        var cursor = after
        var truncated = false
        while true {
            let page = try await store.liveEvents(after: cursor, limit: Self.page)
            let wanted = page.filter { ($0.cursor ?? .start) <= upTo }
            events += wanted
            if events.count > Self.replayLimit {
                events.removeFirst(events.count - Self.replayLimit)
                truncated = true
            }
            guard wanted.count == page.count, page.count == Self.page, let last = page.last?.cursor else { break }
            cursor = last
        }
        if truncated { metrics.increment("rollcall_cloud_live_replay_truncated_total") }
        metrics.increment("rollcall_cloud_live_events_replayed_total", by: Double(events.count))
        return events
    }
}
