// Ingest over MQTT: agents' face crops through a shared subscription into a bounded pool of recognition
// workers; agents' status, availability and gallery acknowledgements into the store.
import Foundation
import Logging
import MQTT
import ServiceLifecycle
import Wire

/// Subscribes to the agents' topics and feeds the aggregator. Face messages (crops, or embeddings from agents in
/// privacy mode) use the shared subscription
/// `$share/{group}/rollcall/v1/sites/+/agents/+/cameras/+/faces`, so N aggregators split the load; at most
/// `recognition.workers` crops are recognised at once and the subscription is not read further while they
/// run (the client's bounded buffer holds the rest). Every refused message is counted by reason.
public struct IngestService: Service {
    let client: MQTTClient
    let aggregator: Aggregator
    let logger: Logger
    let deduplicator = MessageDeduplicator()

    public init(client: MQTTClient, aggregator: Aggregator, logger: Logger) {
        self.client = client
        self.aggregator = aggregator
        self.logger = logger
    }

    var metrics: CloudMetrics { aggregator.metrics }
    var config: CloudConfig { aggregator.config }

    public func run() async throws {
        try await client.connect()
        let faces = try await client.subscribe(to: TopicFilter.shared(group: config.mqtt.shareGroup,
                                                                      TopicFilter.allFaces))
        // Status, availability and acks are small and idempotent: every aggregator reads all of them (retained
        // availability messages are not delivered on shared subscriptions).
        let status = try await client.subscribe(to: TopicFilter.allStatus)
        let availability = try await client.subscribe(to: TopicFilter.allAvailability)
        let acks = try await client.subscribe(to: TopicFilter.allGalleryAcks)
        // Sightings are stored once each: shared like faces, so N aggregators split them.
        let sightings = try await client.subscribe(to: TopicFilter.shared(group: config.mqtt.shareGroup,
                                                                          TopicFilter.allSightings))
        logger.info("ingest subscribed on \(config.mqtt.host ?? "?"):\(config.mqtt.port) as \(config.mqtt.clientID)")
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.consumeFaces(faces) }
                group.addTask { for await message in status { await self.handleStatus(message) } }
                group.addTask { for await message in availability { await self.handleAvailability(message) } }
                group.addTask { for await message in acks { await self.handleAck(message) } }
                group.addTask {
                    for await message in sightings { await self.handleSighting(topic: message.topic, payload: message.payload) }
                }
            }
        }
        await client.disconnect()
    }

    /// Reads face messages, at most `workers` in recognition at once.
    func consumeFaces(_ faces: MQTTSubscription) async {
        let workers = config.recognition.effectiveWorkers
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for await message in faces {
                if inFlight >= workers {
                    await group.next()
                    inFlight -= 1
                }
                inFlight += 1
                metrics.set("rollcall_cloud_ingest_in_flight", to: Double(inFlight))
                group.addTask { await self.handleFace(topic: message.topic, payload: message.payload) }
            }
        }
    }

    /// One face message: size, decoding, duplicates, then the recognition path.
    @discardableResult
    public func handleFace(topic: String, payload: Data) async -> RecognitionResult? {
        metrics.increment("rollcall_cloud_messages_received_total", labels: ["kind": "face"])
        guard payload.count <= config.mqtt.maxMessageBytes else {
            refuse("oversized", "\(payload.count) bytes on \(topic.prefix(200))")
            return nil
        }
        let inbound: InboundFace
        do {
            inbound = try InboundFace(topic: topic, payload: payload)
        } catch {
            refuse("malformed", "\(error)")
            return nil
        }
        guard deduplicator.firstSighting(inbound.crop.messageID) else {
            metrics.increment("rollcall_cloud_messages_duplicate_total")
            return nil
        }
        let content: IncomingCrop.Content
        switch inbound.crop.content {
        case .jpeg(let jpeg):
            content = .image([UInt8](jpeg))
        case .embedding(let embedding):
            // Privacy mode: the aggregator checks the backbone, dimension and values before matching.
            metrics.increment("rollcall_cloud_embeddings_received_total")
            content = .embedding(modelID: embedding.modelID, values: embedding.values)
        }
        let crop = IncomingCrop(messageID: inbound.crop.messageID, siteID: inbound.site, agentID: inbound.agent,
                                camera: inbound.crop.camera, trackID: String(inbound.crop.trackID),
                                frameTime: inbound.crop.frameTime, content: content,
                                quality: Double(inbound.crop.quality), detectionScore: Double(inbound.crop.detectionScore))
        do {
            return try await aggregator.process(crop)
        } catch {
            logger.debug("crop refused: \(error)")
            return nil
        }
    }

    func handleStatus(_ message: MQTTMessage) async {
        do {
            guard case let .status(site, agent) = try Topic(parsing: message.topic) else { return }
            let status = try AgentStatus(decoding: message.payload)
            let fps = status.cameras.reduce(Float(0)) { $0 + $1.framesPerSecond }
            try await aggregator.agentReported(id: agent, siteID: site, status: "online",
                                               framesPerSecond: Double(fps), outboxDepth: Int(status.outboxDepth),
                                               at: status.sentAt)
        } catch {
            refuse("malformed_status", "\(error)")
        }
    }

    func handleAvailability(_ message: MQTTMessage) async {
        do {
            guard case let .availability(site, agent) = try Topic(parsing: message.topic) else { return }
            let availability = try Availability(decoding: message.payload)
            try await aggregator.agentReported(id: agent, siteID: site,
                                               status: availability.online ? "online" : "offline",
                                               framesPerSecond: availability.online ? nil : 0, outboxDepth: nil,
                                               at: availability.since)
        } catch {
            refuse("malformed_availability", "\(error)")
        }
    }

    func handleAck(_ message: MQTTMessage) async {
        do {
            guard case let .galleryAck(_, agent) = try Topic(parsing: message.topic) else { return }
            let ack = try Wire.GalleryAck(decoding: message.payload)
            if ack.outcome == .applied {
                try await aggregator.galleryAcknowledged(agentID: agent, version: Int(ack.version), at: ack.at)
            } else {
                metrics.increment("rollcall_cloud_gallery_refusals_total", labels: ["outcome": "\(ack.outcome)"])
                try await aggregator.store.audit(AuditEntry(
                    actor: "agent:\(agent)", action: "gallery.refused", subject: "gallery:\(ack.version)",
                    detail: AuditDetail.json(["outcome": "\(ack.outcome)", "detail": ack.detail,
                                              "active": "\(ack.activeVersion)"])))
            }
        } catch {
            refuse("malformed_ack", "\(error)")
        }
    }

    private func refuse(_ reason: String, _ detail: String) {
        metrics.increment("rollcall_cloud_messages_refused_total", labels: ["reason": reason])
        logger.debug("message refused (\(reason)): \(detail)")
    }
}
