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

    public func submit(_ events: [PipelineEvent]) {
        for event in events {
            do {
                let message: OutgoingMessage
                switch event {
                case .face(let face): message = try encoder.face(face)
                case .sighting(let sighting): message = try encoder.sighting(sighting)
                }
                try outbox.append(topic: message.topic, payload: Data(message.payload), retain: message.retain)
                switch event {
                case .face(let face):
                    stats.count(.cropsQueued)
                    stats.count(.facesQueued, camera: face.camera)
                case .sighting(let sighting): stats.count(.sightingsQueued, camera: sighting.camera)
                }
            } catch {
                stats.count(.outboxFailures)
            }
        }
    }
}
