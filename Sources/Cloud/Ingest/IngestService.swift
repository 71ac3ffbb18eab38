// Ingest over MQTT: agents' face crops through a shared subscription into a bounded pool of recognition
// workers; agents' image-free sightings (shared too), status, availability and gallery acknowledgements into
// the store.
import FaceDetection
import Foundation
import Logging
import MQTT
import ServiceLifecycle
import Wire

/// Subscribes to the agents' topics and feeds the aggregator. Face messages (crops, or embeddings from agents in
/// privacy mode) use the shared subscription
/// `$share/{group}/rollcall/v1/sites/+/agents/+/cameras/+/faces`, so N aggregators split the load; at most
/// `recognition.workers` crops are recognised at once (the recognizer's pool), and ingest holds
/// `slotsPerWorker` times as many, so that one crop's database round trips and commit overlap the next crop's
/// recognition instead of leaving its worker idle. Every message is acknowledged to the broker only after
/// its outcome is committed — its detection stored, or its refusal counted — when the client was made with
/// `manualAcknowledgements` (the default components do so): a cloud that dies loses nothing the broker
/// accepted, and the broker's Receive Maximum (`recognition.queue_depth`) is the back-pressure. A message the
/// store cannot take now (database or disk failing) is tried again until it can, unacknowledged meanwhile.
///
/// The service starts the client in the background: the cloud serves its API while the broker is down, and
/// ingest connects (and reconnects) by itself.
public struct IngestService: Service {
    let client: MQTTClient
    let aggregator: Aggregator
    let logger: Logger
    /// First and longest wait before trying a message again after a storage failure.
    let retryDelays: (first: Double, longest: Double)
    /// Face messages handled at once per recognition worker (see above; at most `recognition.queue_depth` in all).
    let slotsPerWorker: Int

    /// Face messages in flight per recognition worker by default: measured with `rollcall bench cloud
    /// --ingest-slots-per-worker` (docs/performance.md, "Several aggregators and PostgreSQL").
    public static let defaultSlotsPerWorker = 2

    public init(client: MQTTClient, aggregator: Aggregator, logger: Logger,
                retryDelays: (first: Double, longest: Double) = (0.2, 5),
                slotsPerWorker: Int = IngestService.defaultSlotsPerWorker) {
        self.client = client
        self.aggregator = aggregator
        self.logger = logger
        self.retryDelays = retryDelays
        self.slotsPerWorker = max(1, slotsPerWorker)
    }

    var metrics: CloudMetrics { aggregator.metrics }
    var config: CloudConfig { aggregator.config }

    public func run() async throws {
        // Registered before connecting: a resumed session delivers right after CONNACK.
        let faces = try client.register(TopicFilter.shared(group: config.mqtt.shareGroup, TopicFilter.allFaces))
        // Status, availability and acks are small and idempotent: every aggregator reads all of them (retained
        // availability messages are not delivered on shared subscriptions).
        let status = try client.register(TopicFilter.allStatus)
        let availability = try client.register(TopicFilter.allAvailability)
        let acks = try client.register(TopicFilter.allGalleryAcks)
        // Sightings are stored once each: shared like faces, so N aggregators split them.
        let sightings = try client.register(TopicFilter.shared(group: config.mqtt.shareGroup, TopicFilter.allSightings))
        client.start()
        let statistics = Task { await self.exportClientStatistics() }
        logger.info("ingest connecting to \(config.mqtt.host ?? "?"):\(config.mqtt.port) as \(config.mqtt.clientID)")
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.consumeFaces(faces) }
                group.addTask { await self.consume(status, self.handleStatus) }
                group.addTask { await self.consume(availability, self.handleAvailability) }
                group.addTask { await self.consume(acks, self.handleAck) }
                group.addTask { await self.consume(sightings, self.handleSighting) }
            }
        }
        statistics.cancel()
        await client.disconnect()
    }

    /// Handles each message of a subscription in turn and acknowledges it once committed.
    func consume(_ subscription: MQTTSubscription,
                 _ handle: @escaping @Sendable (MQTTMessage) async throws(CloudError) -> Void) async {
        for await message in subscription {
            guard await untilCommitted({ () async throws(CloudError) in try await handle(message) }) else { return }
            client.acknowledge(message)
        }
    }

    /// Reads face messages, at most `slotsPerWorker × workers` in flight (recognition itself is bounded by the
    /// recognizer's `workers` slots), each acknowledged once committed.
    func consumeFaces(_ faces: MQTTSubscription) async {
        let recognition = config.recognition
        let slots = min(recognition.effectiveWorkers * slotsPerWorker, max(1, recognition.queueDepth))
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for await message in faces {
                if inFlight >= slots {
                    await group.next()
                    inFlight -= 1
                }
                inFlight += 1
                metrics.set("rollcall_cloud_ingest_in_flight", to: Double(inFlight))
                group.addTask {
                    guard await self.handleFaceUntilCommitted(message) else { return }
                    self.client.acknowledge(message)
                }
            }
        }
    }

    /// Handles one face message, trying again after storage failures. Returns whether its outcome is committed
    /// (false only when the service stops first: the message stays unacknowledged and is delivered again).
    func handleFaceUntilCommitted(_ message: MQTTMessage) async -> Bool {
        await untilCommitted { () async throws(CloudError) in
            _ = try await handleFaceOnce(topic: message.topic, payload: message.payload)
        }
    }

    /// Runs `body` until it does not fail with a storage or disk error, backing off; false when the task is
    /// cancelled first.
    func untilCommitted(_ body: () async throws(CloudError) -> Void) async -> Bool {
        var delay = retryDelays.first
        while true {
            do {
                try await body()
                return true
            } catch {
                metrics.increment("rollcall_cloud_ingest_retries_total", labels: ["reason": error.code.rawValue])
                logger.warning("message not stored, trying again in \(delay) s: \(error)")
                do {
                    try await Task.sleep(for: .seconds(delay))
                } catch {
                    return false
                }
                delay = min(retryDelays.longest, delay * 2)
            }
        }
    }

    /// One face message: size, decoding, duplicates, then the recognition path. Nil when it was refused
    /// (counted) or stored already.
    @discardableResult
    public func handleFace(topic: String, payload: Data) async -> RecognitionResult? {
        try? await handleFaceOnce(topic: topic, payload: payload)
    }

    /// `handleFace` that throws what must be tried again (storage and disk failures); refusals return nil.
    func handleFaceOnce(topic: String, payload: Data) async throws(CloudError) -> RecognitionResult? {
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
        let content: IncomingCrop.Content
        switch inbound.crop.content {
        case .jpeg(let jpeg, _):
            // The face as the agent detected it, in the JPEG's own pixels.
            let face = DetectedFace(score: inbound.crop.detectionScore, box: inbound.crop.box,
                                    keypoints: inbound.crop.keypoints)
            content = .image([UInt8](jpeg), face: face)
        case .embedding(let embedding):
            // Privacy mode: the aggregator checks the backbone, dimension and values before matching.
            metrics.increment("rollcall_cloud_embeddings_received_total")
            content = .embedding(modelID: embedding.modelID, values: embedding.values)
        }
        let crop = IncomingCrop(messageID: inbound.crop.messageID, siteID: inbound.site, agentID: inbound.agent,
                                camera: inbound.crop.camera, trackID: String(inbound.crop.trackID),
                                frameTime: inbound.crop.frameTime, content: content,
                                quality: Double(inbound.crop.quality), detectionScore: Double(inbound.crop.detectionScore),
                                edge: inbound.crop.edge)
        do {
            return try await aggregator.accept(crop)
        } catch where error.isTransient {
            throw error
        } catch {
            logger.debug("crop refused: \(error)")
            return nil
        }
    }

    /// Publishes the MQTT client's counters (drops, acknowledgements, reconnections) as metrics, every second.
    func exportClientStatistics() async {
        while !Task.isCancelled {
            let statistics = client.statistics
            metrics.set("rollcall_cloud_mqtt_messages_dropped", to: Double(statistics.messagesDropped))
            metrics.set("rollcall_cloud_mqtt_messages_received", to: Double(statistics.messagesReceived))
            metrics.set("rollcall_cloud_mqtt_messages_acknowledged", to: Double(statistics.messagesAcknowledged))
            metrics.set("rollcall_cloud_mqtt_stale_acknowledgements", to: Double(statistics.staleAcknowledgements))
            metrics.set("rollcall_cloud_mqtt_subscriptions_refused", to: Double(statistics.subscriptionsRefused))
            metrics.set("rollcall_cloud_mqtt_connection_losses", to: Double(statistics.connectionLosses))
            metrics.set("rollcall_cloud_mqtt_connected", to: client.isConnected ? 1 : 0)
            try? await Task.sleep(for: .seconds(1))
        }
    }

    func handleStatus(_ message: MQTTMessage) async throws(CloudError) {
        do {
            guard case let .status(site, agent) = try Topic(parsing: message.topic) else { return }
            let status = try AgentStatus(decoding: message.payload)
            let fps = status.cameras.reduce(Float(0)) { $0 + $1.framesPerSecond }
            try await aggregator.agentReported(id: agent, siteID: site, status: "online",
                                               framesPerSecond: Double(fps), outboxDepth: Int(status.outboxDepth),
                                               outboxDropped: Int(clamping: status.outboxDropped), at: status.sentAt)
        } catch let error as CloudError where error.isTransient {
            throw error
        } catch {
            refuse("malformed_status", "\(error)")
        }
    }

    func handleAvailability(_ message: MQTTMessage) async throws(CloudError) {
        do {
            guard case let .availability(site, agent) = try Topic(parsing: message.topic) else { return }
            let availability = try Availability(decoding: message.payload)
            try await aggregator.agentReported(id: agent, siteID: site,
                                               status: availability.online ? "online" : "offline",
                                               framesPerSecond: availability.online ? nil : 0, outboxDepth: nil,
                                               at: availability.since)
        } catch let error as CloudError where error.isTransient {
            throw error
        } catch {
            refuse("malformed_availability", "\(error)")
        }
    }

    func handleAck(_ message: MQTTMessage) async throws(CloudError) {
        do {
            guard case let .galleryAck(site, agent) = try Topic(parsing: message.topic) else { return }
            let ack = try Wire.GalleryAck(decoding: message.payload)
            if ack.outcome == .applied {
                try await aggregator.galleryAcknowledged(siteID: site, agentID: agent, version: Int(ack.version),
                                                         at: ack.at)
            } else {
                metrics.increment("rollcall_cloud_gallery_refusals_total", labels: ["outcome": "\(ack.outcome)"])
                try await aggregator.store.audit(AuditEntry(
                    actor: "agent:\(site)/\(agent)", action: "gallery.refused", subject: "gallery:\(ack.version)",
                    detail: AuditDetail.json(["outcome": "\(ack.outcome)", "detail": ack.detail,
                                              "active": "\(ack.activeVersion)"])))
            }
        } catch let error as CloudError where error.isTransient {
            throw error
        } catch {
            refuse("malformed_ack", "\(error)")
        }
    }

    private func refuse(_ reason: String, _ detail: String) {
        metrics.increment("rollcall_cloud_messages_refused_total", labels: ["reason": reason])
        logger.debug("message refused (\(reason)): \(detail)")
    }
}
