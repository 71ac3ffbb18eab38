// The aggregator's core: recognition of crops and images, enrollment, gallery versions and deletion.
import FaceRecognition
import Foundation
import Logging
import RollcallCore
import Synchronization

/// Ties the store, the recognizer, the fleet and the live feed together. All HTTP and MQTT handlers go
/// through it. Recognition runs on the caller's task, so callers bound concurrency (the ingest pool).
public final class Aggregator: Sendable {
    public let store: any Store
    public let recognizer: any FaceRecognizer
    public let fleet: any FleetPublisher
    public let live: LiveFeed
    public let metrics: CloudMetrics
    public let crops: FileVault
    public let photos: FileVault
    public let config: CloudConfig
    let signer: GallerySigner
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
                signer: GallerySigner, metrics: CloudMetrics, logger: Logger) {
        self.config = config
        self.store = store
        self.recognizer = recognizer
        self.fleet = fleet
        self.signer = signer
        self.metrics = metrics
        self.logger = logger
        live = LiveFeed(metrics: metrics)
        crops = FileVault(root: config.storage.cropsDirectory)
        photos = FileVault(root: config.storage.photosDirectory)
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
        let gallery = try makeGallery(embeddings)
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
    func makeGallery(_ embeddings: [WorkerID: [[Float]]]) throws(CloudError) -> Gallery {
        do {
            var gallery = try Gallery(modelID: recognizer.modelID, dimension: recognizer.dimension,
                                      policy: config.recognition.matchPolicy)
            for (workerID, vectors) in embeddings where !vectors.isEmpty {
                try gallery.enroll(workerID: workerID, embeddings: vectors)
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
                box: .init(x: Double(face.box.x), y: Double(face.box.y), width: Double(face.box.width),
                           height: Double(face.box.height)),
                detectionScore: face.detectionScore, workerID: match.workerID,
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
        do {
            return try await processUncounted(crop)
        } catch {
            metrics.increment("rollcall_cloud_crops_refused_total", labels: ["reason": error.code.rawValue])
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

    private func processUncounted(_ crop: IncomingCrop) async throws(CloudError) -> RecognitionResult {
        guard let agent = try await store.agent(id: crop.agentID) else {
            throw CloudError(.badMessage, "crop from an unknown agent", subject: "agent \(crop.agentID)")
        }
        guard agent.siteID == crop.siteID else {
            throw CloudError(.badMessage, "agent belongs to site \(agent.siteID), not \(crop.siteID)",
                             subject: "agent \(crop.agentID)")
        }
        let observation: Observation
        switch crop.content {
        case .image(let bytes):
            let image = try EncodedImage(bytes: bytes)
            let emotionEnabled = try await store.site(id: crop.siteID)?.emotionEnabled ?? false
            let faces = try await recognizer.analyzeCrop(image, emotion: emotionEnabled)
            guard let face = faces.first else {
                throw CloudError(.badMessage, "no face found in the crop", subject: "track \(crop.trackID)")
            }
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
    private func decide(_ crop: IncomingCrop, _ observation: Observation) async throws(CloudError) -> RecognitionResult {
        let key = crop.trackKey
        let (decision, emotion, workerName, galleryVersion) = try state.withLock { state throws(CloudError) in
            guard let gallery = state.gallery else {
                throw CloudError(.unavailable, "no gallery loaded yet", subject: "gallery")
            }
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
            return (decision, emotion, decision.match.workerID.flatMap { state.names[$0] }, state.galleryVersion)
        }
        let match = decision.match
        let distance = match.distance.map(Double.init)
        if decision.revised {
            try await store.reviseTrack(agentID: crop.agentID, trackID: crop.trackID, workerID: match.workerID,
                                        distance: distance)
            metrics.increment("rollcall_cloud_track_revisions_total")
        }
        var cropFile: String?
        if let image = observation.image {
            cropFile = try crops.save(image.bytes, extension: image.fileExtension, at: crop.frameTime)
        }
        let detection: Detection
        do {
            detection = try await store.insertDetection(Detection(
                time: crop.frameTime, siteID: crop.siteID, agentID: crop.agentID, camera: crop.camera,
                trackID: crop.trackID, workerID: match.workerID, distance: distance,
                emotion: emotion?.label, emotionScore: emotion?.score, quality: observation.quality,
                cropFile: cropFile, privacy: observation.image == nil, cropEmotion: observation.emotion?.label,
                cropEmotionScore: observation.emotion?.score))
        } catch {
            if let cropFile { crops.remove([cropFile]) }
            throw error
        }
        let result = RecognitionResult(
            detectionID: detection.id ?? 0, siteID: crop.siteID, agentID: crop.agentID, camera: crop.camera,
            trackID: crop.trackID, time: crop.frameTime, workerID: match.workerID,
            workerName: workerName, distance: distance,
            emotion: emotion?.label, emotionScore: emotion?.score, revised: decision.revised,
            galleryVersion: galleryVersion, cropMessageID: crop.messageID, privacy: detection.privacy)
        do {
            try await fleet.publishResult(result)
        } catch {
            metrics.increment("rollcall_cloud_results_unpublished_total")
            logger.warning("result not published: \(error)")
        }
        live.publish("detection", result)
        metrics.increment("rollcall_cloud_detections_total",
                          labels: ["site": crop.siteID, "known": match.workerID == nil ? "false" : "true",
                                   "privacy": detection.privacy ? "true" : "false"])
        return result
    }

    // MARK: Agents

    /// Records an agent's status or heartbeat and pushes it to the live feed.
    public func agentReported(id: String, siteID: String, status: String, framesPerSecond: Double?,
                              outboxDepth: Int?, at time: Date = Date()) async throws(CloudError) {
        try await store.recordAgentSeen(id: id, siteID: siteID, at: time, status: status,
                                        framesPerSecond: framesPerSecond, outboxDepth: outboxDepth)
        if let agent = try await store.agent(id: id) { live.publish("agent", agent) }
    }

    /// Records an agent's acknowledgement of a gallery version, and audits it.
    public func galleryAcknowledged(agentID: String, version: Int, at time: Date = Date()) async throws(CloudError) {
        try await store.recordGalleryAck(agentID: agentID, version: version, at: time)
        try await store.audit(AuditEntry(actor: "agent:\(agentID)", action: "gallery.ack",
                                         subject: "gallery:\(version)",
                                         detail: AuditDetail.json(["agent": agentID])))
        metrics.increment("rollcall_cloud_gallery_acks_total")
        if let agent = try await store.agent(id: agentID) { live.publish("agent", agent) }
    }
}
