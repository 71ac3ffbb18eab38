// Announces the agent: the retained `online` availability once, then a heartbeat every N seconds. Heartbeats are
// published directly (not through the outbox): a stale heartbeat has no value after an outage.
import Foundation

/// The service that publishes availability and heartbeats.
public struct HeartbeatService: AgentService {
    public let name = "heartbeat"
    let reporter: StatusReporter
    let encoder: any AgentMessageEncoding
    let publisher: any MessagePublishing
    let interval: Duration
    let stats: AgentStats

    public init(reporter: StatusReporter, encoder: any AgentMessageEncoding, publisher: any MessagePublishing,
                interval: Duration, stats: AgentStats) {
        self.reporter = reporter
        self.encoder = encoder
        self.publisher = publisher
        self.interval = interval
        self.stats = stats
    }

    public func run() async throws {
        let since = Date()
        var announced = false
        while !Task.isCancelled {
            do {
                if !announced {
                    let online = try encoder.availability(online: true, since: since)
                    try await publisher.publish(topic: online.topic, payload: Data(online.payload), retain: true)
                    announced = true
                }
                let status = try encoder.status(reporter.report())
                try await publisher.publish(topic: status.topic, payload: Data(status.payload), retain: status.retain)
            } catch is CancellationError {
                return
            } catch {
                stats.count(.publishFailures)
            }
            try await Task.sleep(for: interval)
        }
    }
}
