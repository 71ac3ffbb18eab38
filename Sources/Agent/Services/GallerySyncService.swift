// Receives the site's gallery messages, applies each through the cache (verified, stored, swapped in or refused
// with the previous one kept) and acknowledges every one through the outbox.
import Foundation

/// The service that keeps the gallery cache up to date.
public struct GallerySyncService<Builder: GalleryBuilding>: AgentService {
    public let name = "gallery"
    let cache: GalleryCache<Builder>
    let subscriber: any MessageSubscribing
    let encoder: any AgentMessageEncoding
    let outbox: Outbox
    let stats: AgentStats

    public init(cache: GalleryCache<Builder>, subscriber: any MessageSubscribing, encoder: any AgentMessageEncoding,
                outbox: Outbox, stats: AgentStats) {
        self.cache = cache
        self.subscriber = subscriber
        self.encoder = encoder
        self.outbox = outbox
        self.stats = stats
    }

    public func run() async throws {
        try await subscriber.receive(encoder.galleryTopic) { message in handle(message) }
    }

    /// Applies one message and queues its acknowledgement; returns the outcome.
    @discardableResult
    public func handle(_ message: Data) -> GalleryOutcome {
        let outcome = cache.apply(message)
        switch outcome {
        case .applied: stats.count(.galleryApplied)
        case .refused: stats.count(.galleryRefused)
        }
        do {
            let ack = try encoder.galleryAck(outcome)
            try outbox.append(topic: ack.topic, payload: Data(ack.payload), retain: ack.retain)
        } catch {
            stats.count(.outboxFailures)
        }
        return outcome
    }
}
