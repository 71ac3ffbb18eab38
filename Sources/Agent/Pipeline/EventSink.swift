// Encodes pipeline events and stores them in the outbox (from where the drainer publishes them).
import Foundation

/// Turns events into outbox entries; every failure is counted, never thrown into the pipeline.
public struct EventSink: Sendable {
    let encoder: any AgentMessageEncoding
    let outbox: Outbox
    let stats: AgentStats

    public init(encoder: any AgentMessageEncoding, outbox: Outbox, stats: AgentStats) {
        self.encoder = encoder
        self.outbox = outbox
        self.stats = stats
    }

    public func submit(_ events: [FaceEvent]) {
        for event in events {
            do {
                let message = try encoder.face(event)
                try outbox.append(topic: message.topic, payload: Data(message.payload), retain: message.retain)
                stats.count(.cropsQueued)
                stats.count(.facesQueued, camera: event.camera)
            } catch {
                stats.count(.outboxFailures)
            }
        }
    }
}
