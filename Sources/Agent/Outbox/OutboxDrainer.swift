// Moves entries from the disk outbox to the broker, oldest first, one at a time: an entry is removed only after
// the publisher returned (PUBACK). A failed publish keeps the entry and retries with exponential backoff, so a
// broker outage of hours only grows the outbox.
import Foundation

/// The service that empties the outbox into MQTT.
public struct OutboxDrainer: AgentService {
    public let name = "outbox"
    let outbox: Outbox
    let publisher: any MessagePublishing
    let stats: AgentStats
    /// First and longest wait between attempts after a failure.
    let backoff: (initial: Duration, maximum: Duration)

    public init(outbox: Outbox, publisher: any MessagePublishing, stats: AgentStats,
                backoff: (initial: Duration, maximum: Duration) = (.milliseconds(250), .seconds(30))) {
        self.outbox = outbox
        self.publisher = publisher
        self.stats = stats
        self.backoff = backoff
    }

    public func run() async throws {
        var signals = outbox.appendedSignal.makeAsyncIterator()
        var wait = backoff.initial
        while !Task.isCancelled {
            guard let entry = try outbox.checkOut() else {
                // Empty: sleep until something is appended (or cancellation ends the stream's wait).
                if await signals.next() == nil { return }
                continue
            }
            do {
                try await publisher.publish(topic: entry.topic, payload: entry.payload, retain: entry.retain)
                try outbox.acknowledge(entry.sequence)
                wait = backoff.initial
            } catch {
                outbox.release(entry.sequence)
                if Task.isCancelled || error is CancellationError { return }
                stats.count(.publishFailures)
                try await Task.sleep(for: wait)
                wait = min(wait * 2, backoff.maximum)
            }
        }
    }
}
