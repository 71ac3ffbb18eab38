// Ends open server-sent-event streams when the service group shuts down, so the HTTP server can drain.
import ServiceLifecycle

/// Waits for graceful shutdown, then finishes every live-feed subscription.
struct LiveFeedCloser: Service {
    let live: LiveFeed

    func run() async throws {
        try? await gracefulShutdown()
        live.finishAll()
    }
}
