// Holds the agent's publishes back until its MQTT connection has been up for a settle time.
//
// Why: Mosquitto 2.0 forgets offline subscribers across its own restart until they reconnect (their sessions
// come back, but messages published before they re-subscribe are acknowledged to the publisher and delivered
// to nobody). After a broker restart the agent and the cloud reconnect independently; if the agent drained its
// outbox first, crops the broker acknowledged could reach no aggregator. Waiting a few seconds after each
// (re)connection lets the cloud (which reconnects with a short backoff cap) subscribe again first.
import MQTT
import Synchronization

/// Waits until `client` has stayed connected, on the same connection, for `settle`.
final class ConnectionSettleGate: Sendable {
    private struct Seen {
        var connects: Int
        var since: ContinuousClock.Instant
    }

    let settle: Duration
    private let seen = Mutex<Seen?>(nil)

    init(settle: Duration) {
        self.settle = settle
    }

    /// Returns once the connection is settled; throws `CancellationError` if the task is cancelled first.
    func waitUntilSettled(_ client: MQTTClient) async throws {
        while true {
            try Task.checkCancellation()
            if client.isConnected {
                let connects = client.statistics.connects
                let now = ContinuousClock.now
                let since = seen.withLock { seen -> ContinuousClock.Instant in
                    if let current = seen, current.connects == connects { return current.since }
                    seen = Seen(connects: connects, since: now)
                    return now
                }
                if now - since >= settle { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
