// The aggregator's core: recognition of crops and images, enrollment, gallery versions and deletion.
import Emotion
import FaceRecognition
import Foundation
import Logging
import RollcallCore
import Synchronization
import Wire

/// Ties the store, the recognizer, the fleet and the live feed together. All HTTP and MQTT handlers go
/// through it. Recognition runs on the caller's task, so callers bound concurrency (the ingest pool).
public final class Aggregator: Sendable {
    public let store: any Store
    public let recognizer: any FaceRecognizer
    public let fleet: any FleetPublisher
    public let live: LiveFeed
    public let metrics: CloudMetrics
    /// Crop and enrollment-photo bytes: files beside SQLite, rows in PostgreSQL.
    public let crops: any BlobVault
    public let photos: any BlobVault
    public let config: CloudConfig
    /// Publishes stored gallery versions to the fleet in the background (run it as a service).
    public let galleryPublisher: GalleryPublisher
    let signer: GallerySigner
    /// Result publications in progress (they do not hold up acknowledging the crop).
    let resultsInFlight = Mutex(0)
    /// Most result publications in progress; beyond, results are dropped and counted.
    static let resultsInFlightLimit = 1_000
    let logger: Logger

    private struct State {
        /// FaceRecognition's gallery under the configured match policy; nil until `load()`.
        var gallery: Gallery?
        /// Enrolled workers' names (the gallery itself holds ids only, as agents receive it).
        var names: [WorkerID: String] = [:]
        var galleryVersion = 0
        var fusion = TrackFusion<TrackKey>()
        var emotions: TrackEmotion
    }

    private let state: Mutex<State>

    /// Creates the aggregator; call `load()` before serving.
    public init(config: CloudConfig, store: any Store, recognizer: any FaceRecognizer, fleet: any FleetPublisher,
                signer: GallerySigner, metrics: CloudMetrics, logger: Logger, crops: (any BlobVault)? = nil,
                photos: (any BlobVault)? = nil) {
        self.config = config
        self.store = store
        self.recognizer = recognizer
        self.fleet = fleet
        self.signer = signer
        self.metrics = metrics
        self.logger = logger
        live = LiveFeed(metrics: metrics)
        galleryPublisher = GalleryPublisher(store: store, fleet: fleet, metrics: metrics, logger: logger,
                                            signer: signer)
        self.crops = crops ?? FileVault(root: config.storage.cropsDirectory)
        self.photos = photos ?? FileVault(root: config.storage.photosDirectory)
        let fusion = TrackFusion<TrackKey>()
        state = Mutex(State(gallery: nil, fusion: fusion,
                            emotions: TrackEmotion(alpha: config.recognition.emotionSmoothing,
                                                   uncertainBelow: config.recognition.emotionUncertainBelow,
                                                   maxTracks: fusion.maxTracks)))
    }

    /// Registers the configured sites and loads the gallery from the store.
    public func load() async throws(CloudError) {
        for site in config.sites {
            try await store.upsertSite(Site(id: site.id, name: site.name, emotionEnabled: site.emotion))
        }
        try await reloadGallery()
    }

    /// The current gallery (nil before `load()`).
    public var gallery: Gallery? { state.withLock { $0.gallery } }

    /// An enrolled worker's name.
    public func workerName(_ id: WorkerID) -> String? {
        state.withLock { $0.names[id] }
    }

    /// Forgets every fused track (a worker is gone, so earlier decisions may name them).
    func forgetAllTracks() {
        state.withLock {
            $0.fusion.reset()
            $0.emotions.reset()
        }
    }

    func reloadGalleryFromStore() async throws(CloudError) {
        try await reloadGallery()
    }

    private func reloadGallery() async throws(CloudError) {
        let embeddings = try await store.enrollmentEmbeddings()
        let names = Dictionary(uniqueKeysWithValues: try await store.workers().compactMap { worker in
            worker.id.map { ($0, worker.name) }
        })
        let gallery = try makeGallery(embeddings, negatives: try await store.activeNegativeEmbeddings())
        let version = try await store.latestGalleryVersion()?.version ?? 0
        state.withLock {
            $0.gallery = gallery
            $0.names = names
            $0.galleryVersion = version
        }
        metrics.set("rollcall_cloud_gallery_workers", to: Double(gallery.workers.count))
    }

    /// The gallery of these enrollment embeddings under the configured match policy: what the cloud decides
    /// with and what it signs for the agents.
    func makeGallery(_ embeddings: [WorkerID: [[Float]]],
                     negatives: [WorkerID: [[Float]]] = [:]) throws(CloudError) -> Gallery {
        do {
            var gallery = try Gallery(modelID: recognizer.modelID, dimension: recognizer.dimension,
                                      policy: config.recognition.matchPolicy)
            for (workerID, vectors) in embeddings where !vectors.isEmpty {
                try gallery.enroll(workerID: workerID, embeddings: vectors)
                // "Not this worker" corrections (the newest, when there are more than a gallery carries).
                if let marked = negatives[workerID], !marked.isEmpty {
                    try gallery.setNegatives(Array(marked.suffix(Gallery.maximumNegativesPerWorker)), of: workerID)
                }
            }
            return gallery
        } catch {
            throw CloudError(.storage, "the stored enrollment embeddings do not form a gallery: \(error)", subject: "gallery")
        }
    }

    /// `embedding`'s decision against `gallery` (an empty decision before the first load).
    static func decide(_ embedding: [Float], in gallery: Gallery?) throws(CloudError) -> MatchDecision {
        guard let gallery else { return .noGallery }
        do {
            return try gallery.decide(embedding)
        } catch {
            throw CloudError(.badEmbedding, "cannot match the embedding: \(error)")
        }
    }

    // MARK: Recognition of any image

    /// Every face in an image with its identity and (when asked) emotion. Stores nothing.
    public func recognize(_ bytes: [UInt8], emotion: Bool) async throws(CloudError) -> [RecognizedFace] {
        let image = try EncodedImage(bytes: bytes)
        let faces = try await recognizer.analyze(image, emotion: emotion)
        let (gallery, names) = state.withLock { ($0.gallery, $0.names) }
        var recognized: [RecognizedFace] = []
        for face in faces {
            let match = try Self.decide(face.embedding, in: gallery)
            recognized.append(RecognizedFace(
                box: face.box, detectionScore: face.detectionScore, workerID: match.workerID,
                workerName: match.workerID.flatMap { names[$0] }, distance: match.distance.map(Double.init),
                emotion: face.emotion))
        }
        return recognized
    }

    // MARK: Crops from agents

    /// The whole recognition path for one face from an agent (a crop, or a privacy-mode embedding): checks,
    /// embedding, track fusion, emotion smoothing, storage, publication and the live feed. Throws (and counts)
    /// when the face is refused.
    @discardableResult
    public func process(_ crop: IncomingCrop) async throws(CloudError) -> RecognitionResult {
        guard let result = try await accept(crop) else {
            throw CloudError(.badMessage, "message \(crop.messageID?.uuidString ?? "?") is stored already",
                             subject: "agent \(crop.agentID)")
        }
        return result
    }

    /// `process` for messages that may be delivered more than once: nil (nothing done, counted in
    /// `rollcall_cloud_messages_duplicate_total`) when this site's agent's message id is stored already. When
    /// it returns or throws a refusal, the outcome is committed: the message may be acknowledged. Storage and
    /// file errors (`.storage`, `.io`) are not refusals: the message must be tried again.
    public func accept(_ crop: IncomingCrop) async throws(CloudError) -> RecognitionResult? {
        do {
            if let id = crop.messageID,
               try await store.detectionExists(siteID: crop.siteID, agentID: crop.agentID, messageID: id) {
                metrics.increment("rollcall_cloud_messages_duplicate_total")
                return nil
            }
            return try await processUncounted(crop)
        } catch {
            if !error.isTransient {
                metrics.increment("rollcall_cloud_crops_refused_total", labels: ["reason": error.code.rawValue])
            }
            throw error
        }
    }

    /// What one face contributes to its track.
    private struct Observation {
        var embedding: [Float]
        var quality: Double
        var emotion: EmotionEstimate?
        /// The crop's bytes and file extension; nil in privacy mode.
        var image: (bytes: [UInt8], fileExtension: String)?
    }

    private func processUncounted(_ crop: IncomingCrop) async throws(CloudError) -> RecognitionResult? {
        guard try await store.agent(siteID: crop.siteID, id: crop.agentID) != nil else {
            throw CloudError(.badMessage, "crop from an unknown agent", subject: "agent \(crop.siteID)/\(crop.agentID)")
        }
        let observation: Observation
        switch crop.content {
        case .image(let bytes, let shipped):
            let image = try EncodedImage(bytes: bytes)
            let emotionEnabled = try await store.site(id: crop.siteID)?.emotionEnabled ?? false
            // Aligned from the agent's geometry; the cloud never detects again on a crop.
            let face = try await recognizer.analyzeCrop(image, face: shipped, emotion: emotionEnabled)
            // The agent's quality (FaceRecognition's model, measured on the full-resolution frame) weighs the crop.
            observation = Observation(embedding: face.embedding, quality: max(0.001, crop.quality),
                                      emotion: face.emotion, image: (bytes, image.format.fileExtension))
        case .embedding(let modelID, let values):
            try checkEmbedding(modelID: modelID, values: values, from: crop)
            // No image: the agent's quality is all there is, and no emotion can be estimated.
            observation = Observation(embedding: values, quality: max(0.001, crop.quality), emotion: nil, image: nil)
        }
        return try await decide(crop, observation)
    }

    /// Refuses (and counts by reason) an embedding the gallery cannot be matched against.
    private func checkEmbedding(modelID: String, values: [Float], from crop: IncomingCrop) throws(CloudError) {
        let check = EmbeddingCheck(modelID: recognizer.modelID, dimension: recognizer.dimension)
        guard let refusal = check.refusal(modelID: modelID, values: values) else { return }
        metrics.increment("rollcall_cloud_embeddings_refused_total", labels: ["reason": refusal.reason.rawValue])
        throw CloudError(.badEmbedding, refusal.detail, subject: "agent \(crop.agentID) track \(crop.trackID)")
    }

    /// Fuses an observation into its track, smooths the track's emotion, stores, publishes and pushes.
    private func decide(_ crop: IncomingCrop, _ observation: Observation) async throws(CloudError) -> RecognitionResult? {
        let key = crop.trackKey
        let (decision, own, emotion, workerName, galleryVersion) = try state.withLock { state throws(CloudError) in
            guard let gallery = state.gallery else {
                throw CloudError(.unavailable, "no gallery loaded yet", subject: "gallery")
            }
            // This face's own decision (before fusion with its track): what an edge-matching agent decided too.
            let own = try Self.decide(observation.embedding, in: gallery)
            let decision: TrackFusion<TrackKey>.Decision
            do {
                decision = try state.fusion.add(key, embedding: observation.embedding, quality: observation.quality,
                                                at: crop.frameTime, gallery: gallery)
            } catch {
                throw CloudError(.badEmbedding, "cannot fuse the face into its track: \(error)",
                                 subject: "agent \(crop.agentID) track \(crop.trackID)")
            }
            state.emotions.forget(decision.expired)
            let emotion = observation.emotion.map { state.emotions.add(key, $0) }
            return (decision, own, emotion, decision.match.workerID.flatMap { state.names[$0] }, state.galleryVersion)
        }
        let agreement = crop.edge.map { Self.agreement(of: $0, with: own, galleryVersion: galleryVersion) }
        if let agreement {
            metrics.increment("rollcall_cloud_edge_decisions_total", labels: ["agreement": agreement.rawValue])
        }
        let match = decision.match
        let distance = match.distance.map(Double.init)
        if decision.revised {
            try await store.reviseTrack(siteID: crop.siteID, agentID: crop.agentID, trackID: crop.trackID,
                                        workerID: match.workerID, distance: distance)
            metrics.increment("rollcall_cloud_track_revisions_total")
        }
        var cropFile: String?
        if let image = observation.image {
            cropFile = try await crops.save(image.bytes, extension: image.fileExtension, at: crop.frameTime)
        }
        let stored: Detection?
        do {
            stored = try await store.insertDetection(Detection(
                time: crop.frameTime, siteID: crop.siteID, agentID: crop.agentID, camera: crop.camera,
                trackID: crop.trackID, workerID: match.workerID, distance: distance,
                emotion: emotion?.label, emotionScore: emotion?.score, quality: observation.quality,
                cropFile: cropFile, privacy: observation.image == nil, cropEmotion: observation.emotion?.top.name,
                cropEmotionScore: observation.emotion.map { Double($0.topProbability) }, messageID: crop.messageID,
                edgeWorkerID: crop.edge?.workerID, edgeDistance: crop.edge?.distance.map(Double.init),
                edgeGalleryVersion: crop.edge.map { Int(clamping: $0.galleryVersion) }, edgeAgreement: agreement))
        } catch {
            if let cropFile { await crops.remove([cropFile]) }
            throw error
        }
        guard let detection = stored else {
            // Another delivery of the same message was stored meanwhile.
            if let cropFile { await crops.remove([cropFile]) }
            metrics.increment("rollcall_cloud_messages_duplicate_total")
            return nil
        }
        await keepEmbedding(of: detection, observation.embedding)
        let result = RecognitionResult(
            detectionID: detection.id ?? 0, siteID: crop.siteID, agentID: crop.agentID, camera: crop.camera,
            trackID: crop.trackID, time: crop.frameTime, workerID: match.workerID,
            workerName: workerName, distance: distance,
            emotion: emotion?.label, emotionScore: emotion?.score, revised: decision.revised,
            galleryVersion: galleryVersion, cropMessageID: crop.messageID, privacy: detection.privacy)
        publishResultInBackground(result)
        live.publish("detection", result)
        metrics.increment("rollcall_cloud_detections_total",
                          labels: ["site": crop.siteID, "known": match.workerID == nil ? "false" : "true",
                                   "privacy": detection.privacy ? "true" : "false"])
        return result
    }

    /// How an agent's own decision for a face compares with the cloud's decision for the same face: `agree`
    /// (same worker, or both unknown), `disagree`, or `otherGallery` when the agent decided against another
    /// gallery version than the cloud's (not comparable).
    static func agreement(of edge: FaceCrop.EdgeDecision, with own: MatchDecision,
                          galleryVersion: Int) -> EdgeAgreement {
        guard edge.galleryVersion == UInt64(max(0, galleryVersion)) else { return .otherGallery }
        return edge.workerID == own.workerID ? .agree : .disagree
    }

    // MARK: Agents

    /// Records a site's agent's status or heartbeat and pushes it to the live feed. `outboxDropped` is the
    /// agent's own count of messages its outbox dropped (nil: not reported).
    public func agentReported(id: String, siteID: String, status: String, framesPerSecond: Double?,
                              outboxDepth: Int?, outboxDropped: Int? = nil,
                              at time: Date = Date()) async throws(CloudError) {
        try await store.recordAgentSeen(siteID: siteID, id: id, at: time, status: status,
                                        framesPerSecond: framesPerSecond, outboxDepth: outboxDepth,
                                        outboxDropped: outboxDropped)
        if let agent = try await store.agent(siteID: siteID, id: id) {
            metrics.set("rollcall_cloud_agent_outbox_dropped", labels: ["agent": agent.qualifiedID],
                        to: Double(agent.outboxDropped))
            live.publish("agent", agent)
        }
    }

    /// Records a site's agent's acknowledgement of a gallery version, and audits it.
    public func galleryAcknowledged(siteID: String, agentID: String, version: Int,
                                    at time: Date = Date()) async throws(CloudError) {
        try await store.recordGalleryAck(siteID: siteID, agentID: agentID, version: version, at: time)
        try await store.audit(AuditEntry(actor: "agent:\(siteID)/\(agentID)", action: "gallery.ack",
                                         subject: "gallery:\(version)",
                                         detail: AuditDetail.json(["site": siteID, "agent": agentID])))
        metrics.increment("rollcall_cloud_gallery_acks_total")
        if let agent = try await store.agent(siteID: siteID, id: agentID) { live.publish("agent", agent) }
    }
}
