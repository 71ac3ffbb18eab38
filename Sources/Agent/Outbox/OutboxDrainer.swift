// Moves entries from the disk outbox to the broker, oldest first, with up to `window` publishes awaiting their
// PUBACK at once (a backlog of hours drains at link speed rather than one round trip per message). An entry is
// removed only after its publish returned; a failed publish keeps the entry, and the drainer backs off
// exponentially before trying again, so a broker outage only grows the outbox.
import Foundation

/// The service that empties the outbox into MQTT.
public struct OutboxDrainer: AgentService {
    public let name = "outbox"
    let outbox: Outbox
    let publisher: any MessagePublishing
    let stats: AgentStats
    /// Publishes in flight at most (1 keeps strict order).
    let window: Int
    /// First and longest wait between attempts after a failure.
    let backoff: (initial: Duration, maximum: Duration)

    public init(outbox: Outbox, publisher: any MessagePublishing, stats: AgentStats, window: Int = 16,
                backoff: (initial: Duration, maximum: Duration) = (.milliseconds(250), .seconds(30))) {
        self.outbox = outbox
        self.publisher = publisher
        self.stats = stats
        self.window = max(1, window)
        self.backoff = backoff
    }

    public func run() async throws {
        let publisher = self.publisher
        var signals = outbox.appendedSignal.makeAsyncIterator()
        var wait = backoff.initial
        try await withThrowingTaskGroup(of: (sequence: UInt64, delivered: Bool).self) { group in
            var inFlight = 0
            while !Task.isCancelled {
                while inFlight < window, let entry = try outbox.checkOut() {
                    inFlight += 1
                    group.addTask {
                        do {
                            try await publisher.publish(topic: entry.topic, payload: entry.payload, retain: entry.retain)
                            return (entry.sequence, true)
                        } catch {
                            return (entry.sequence, false)
                        }
                    }
                }
                if inFlight == 0 {
                    // Empty: sleep until something is appended (nil: cancelled).
                    if await signals.next() == nil { break }
                    continue
                }
                guard let done = try await group.next() else { break }
                inFlight -= 1
                if done.delivered {
                    try outbox.acknowledge(done.sequence)
                    wait = backoff.initial
                    continue
                }
                outbox.release(done.sequence)
                if Task.isCancelled { break }
                stats.count(.publishFailures)
                // Let the rest of the window fail or land before backing off, so one outage costs one wait.
                while inFlight > 0, let other = try await group.next() {
                    inFlight -= 1
                    if other.delivered { try outbox.acknowledge(other.sequence) } else { outbox.release(other.sequence) }
                }
                try await Task.sleep(for: wait)
                wait = min(wait * 2, backoff.maximum)
            }
            group.cancelAll()
        }
    }
}
