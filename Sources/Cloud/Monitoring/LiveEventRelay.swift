// Carries stored live events from the database to this process's viewers: the detections, agent reports and
// gallery versions any process committed, in one order, each once.
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Reads the events table after its cursor and hands what it finds to the `LiveFeed`. It reads when this
/// process committed an event (`poke()`), when the store hears another process did (PostgreSQL NOTIFY, which
/// the committing transaction sends: delivered only on commit), and once a second in any case (a
/// notification lost while the listening connection was down, or an event that was not yet final).
public final class LiveEventRelay: Service, Sendable {
    let store: any Store
    let live: LiveFeed
    let metrics: CloudMetrics
    let logger: Logger
    /// Events read per query.
    static let page = 500

    private struct State {
        var cursor: EventCursor?
        var pumping = false
        var again = false
        var observers: [@Sendable ([LiveEvent]) -> Void] = []
    }

    private let state = Mutex(State())

    public init(store: any Store, live: LiveFeed, metrics: CloudMetrics, logger: Logger) {
        self.store = store
        self.live = live
        self.metrics = metrics
        self.logger = logger
    }

    /// Starts at the newest stored event: viewers see what is stored from now on (and, with `Last-Event-ID`,
    /// what they missed). Called by `Aggregator.load()`.
    public func start() async throws(CloudError) {
        let tail = try await store.liveEventTail()
        state.withLock { state in
            if state.cursor == nil { state.cursor = tail }
        }
        live.start(after: tail)
    }

    /// Calls `observer` with every batch of events relayed (the aggregator reloads its gallery on another
    /// process's new version).
    public func observe(_ observer: @escaping @Sendable ([LiveEvent]) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// Reads what is new soon (this process stored an event). Returns at once; reads never overlap.
    public func poke() {
        let start = state.withLock { state -> Bool in
            if state.pumping {
                state.again = true
                return false
            }
            state.pumping = true
            return true
        }
        guard start else { return }
        Task {
            repeat {
                await pumpOnce()
            } while state.withLock { state -> Bool in
                if state.again {
                    state.again = false
                    return true
                }
                state.pumping = false
                return false
            }
        }
    }

    /// Relays every event after the cursor, page by page.
    private func pumpOnce() async {
        guard var cursor = state.withLock({ $0.cursor }) else { return }
        do {
            while true {
                let events = try await store.liveEvents(after: cursor, limit: Self.page)
                guard let last = events.last?.cursor else { break }
                for event in events { live.publish(event) }
                cursor = last
                let observers = state.withLock { state in
                    state.cursor = last
                    return state.observers
                }
                for observer in observers { observer(events) }
                metrics.increment("rollcall_cloud_live_events_relayed_total", by: Double(events.count))
                if events.count < Self.page { break }
            }
        } catch {
            metrics.increment("rollcall_cloud_live_relay_errors_total")
            logger.debug("live events not read: \(error)")
        }
    }

    public func run() async {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.store.watchLiveEvents { [weak self] in self?.poke() } }
                group.addTask {
                    while !Task.isCancelled {
                        self.poke()
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
            }
        }
    }
}
