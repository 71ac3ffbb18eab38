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
///
/// Nothing a decision depends on lives only in this process: a track's fusion and emotion state is kept in the
/// store and updated under the track's lock in the transaction that stores the crop's detection; the gallery
/// decided with is the newest stored version's (a newer one, stored by any process, is loaded before deciding);
/// the live feed relays events from the store. One, two or three aggregators decide the same crops alike.
public final class Aggregator: Sendable {
    public let store: any Store
    public let recognizer: any FaceRecognizer
    public let fleet: any FleetPublisher
    public let live: LiveFeed
    /// Stored events (any process's) to this process's live feed.
    public let liveEvents: LiveEventRelay
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
    /// Track fusion and emotion smoothing of one crop.
    let trackStep: TrackStep
    let logger: Logger

    private struct State {
        /// The gallery of the stored enrollments and corrections; nil until `load()`.
        var gallery: Gallery?
        /// Enrolled workers' names (the gallery itself holds ids only, as agents receive it).
        var names: [WorkerID: String] = [:]
        /// The version `gallery` is (0: none stored yet).
        var galleryVersion = 0
    }

    private let state = Mutex(State())

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
        liveEvents = LiveEventRelay(store: store, live: live, metrics: metrics, logger: logger)
        galleryPublisher = GalleryPublisher(store: store, fleet: fleet, metrics: metrics, logger: logger,
                                            signer: signer)
        self.crops = crops ?? FileVault(root: config.storage.cropsDirectory)
        self.photos = photos ?? FileVault(root: config.storage.photosDirectory)
        trackStep = TrackStep(emotionSmoothing: config.recognition.emotionSmoothing,
                              emotionUncertainBelow: config.recognition.emotionUncertainBelow)
        // Another process's gallery version: decide with it from now on, and see that it reaches the broker.
        liveEvents.observe { [weak self] events in
            guard let self, events.contains(where: { $0.name == "gallery" }) else { return }
            Task {
                do {
                    try await self.reloadGalleryIfNewer()
                } catch {
                    self.logger.warning("gallery not reloaded: \(error)")
                }
                self.galleryPublisher.versionStored()
            }
        }
    }

    /// Registers the configured sites, loads the gallery from the store and starts the live feed at the newest
    /// stored event.
    public func load() async throws(CloudError) {
        for site in config.sites {
            try await store.upsertSite(Site(id: site.id, name: site.name, emotionEnabled: site.emotion))
        }
        try await reloadGallery()
        try await liveEvents.start()
    }

    /// The current gallery (nil before `load()`).
    public var gallery: Gallery? { state.withLock { $0.gallery } }

    /// The gallery version decided with (0: none stored yet).
    public var galleryVersion: Int { state.withLock { $0.galleryVersion } }

    /// An enrolled worker's name.
    public func workerName(_ id: WorkerID) -> String? {
        state.withLock { $0.names[id] }
    }

    func reloadGalleryFromStore() async throws(CloudError) {
        try await reloadGallery()
    }

    /// Reloads when the store holds a newer version than the one decided with.
    func reloadGalleryIfNewer() async throws(CloudError) {
        let stored = try await store.latestGalleryVersion()?.version ?? 0
        if stored > galleryVersion { try await reloadGallery() }
    }

    /// Loads the gallery of the stored enrollment embeddings and active corrections (what the newest stored
    /// version was built from: every process builds the same gallery from the same rows) with the workers'
    /// names. The version number is read first, so a version stored meanwhile is newer than the one recorded
    /// here and `Store.storeDecision` has the crop decided again after the next reload.
    private func reloadGallery() async throws(CloudError) {
        let version = try await store.latestGalleryVersion()?.version ?? 0
        let names = Dictionary(uniqueKeysWithValues: try await store.workers().compactMap { worker in
            worker.id.map { ($0, worker.name) }
        })
        let gallery = try makeGallery(try await store.enrollmentEmbeddings(),
                                      negatives: try await store.activeNegativeEmbeddings())
        state.withLock { state in
            // Two reloads may overlap: the newer version stays.
            guard version >= state.galleryVersion else { return }
            state.gallery = gallery
            state.names = names
            state.galleryVersion = version
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
            let admission = try await store.cropAdmission(siteID: crop.siteID, agentID: crop.agentID,
                                                          messageID: crop.messageID)
            if admission.duplicate {
                metrics.increment("rollcall_cloud_messages_duplicate_total")
                return nil
            }
            return try await processUncounted(crop, admission)
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

    private func processUncounted(_ crop: IncomingCrop,
                                  _ admission: CropAdmission) async throws(CloudError) -> RecognitionResult? {
        guard admission.agentKnown else {
            throw CloudError(.badMessage, "crop from an unknown agent", subject: "agent \(crop.siteID)/\(crop.agentID)")
        }
        let observation: Observation
        switch crop.content {
        case .image(let bytes, let shipped):
            let image = try EncodedImage(bytes: bytes)
            // Aligned from the agent's geometry; the cloud never detects again on a crop.
            let face = try await recognizer.analyzeCrop(image, face: shipped, emotion: admission.emotionEnabled)
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

    /// Stages the crop (a file written now; a database row inserted with the decision), then fuses the
    /// observation into its track and smooths the track's emotion under the track's lock in the detection's
    /// transaction (`Store.storeDecision`, which keeps the face's embedding and the crop's row too), then
    /// publishes the result and pokes the live feed. Nil when another delivery of the same message was stored
    /// first.
    private func decide(_ crop: IncomingCrop, _ observation: Observation) async throws(CloudError) -> RecognitionResult? {
        var staged: StagedBlob?
        if let image = observation.image {
            staged = try await crops.stage(image.bytes, extension: image.fileExtension, at: crop.frameTime)
        }
        // A file saved beforehand is removed when its decision is not stored; a row to insert is never stored then.
        var savedFile: String? {
            if case .saved(let name) = staged { return name }
            return nil
        }
        do throws(CloudError) {
            // A newer gallery stored meanwhile is loaded and the crop decided again with it; a gallery that
            // changes on every try is a storage problem (tried again later).
            for _ in 0 ..< 5 {
                var (request, context) = try decisionRequest(crop, observation, cropFile: staged?.name)
                request.embedding = observation.embedding
                if case .withDecision(let blob) = staged { request.blob = blob }
                switch try await store.storeDecision(request) {
                case .stored(let detection, let decision):
                    return stored(detection, decision, context)
                case .duplicate:
                    if let savedFile { await crops.remove([savedFile]) }
                    metrics.increment("rollcall_cloud_messages_duplicate_total")
                    return nil
                case .galleryChanged:
                    metrics.increment("rollcall_cloud_gallery_reloads_total", labels: ["reason": "decision"])
                    try await reloadGallery()
                }
            }
            throw CloudError(.storage, "the gallery changed on every try", subject: "track \(crop.trackID)")
        } catch {
            if let savedFile { await crops.remove([savedFile]) }
            throw error
        }
    }

    /// What a decision was made with, for its result.
    private struct DecisionContext {
        var names: [WorkerID: String]
        var galleryVersion: Int
        /// How the agent's own decision compares with this face's (nil: the agent sent none).
        var agreement: EdgeAgreement?
    }

    /// The request that decides `crop` from its track's stored state with the current gallery.
    private func decisionRequest(_ crop: IncomingCrop, _ observation: Observation,
                                 cropFile: String?) throws(CloudError) -> (DecisionRequest, DecisionContext) {
        let (gallery, version, names) = state.withLock { ($0.gallery, $0.galleryVersion, $0.names) }
        guard let gallery else { throw CloudError(.unavailable, "no gallery loaded yet", subject: "gallery") }
        // This face's own decision (before fusion with its track): what an edge-matching agent decided too.
        let own = try Self.decide(observation.embedding, in: gallery)
        let agreement = crop.edge.map { Self.agreement(of: $0, with: own, galleryVersion: version) }
        let step = trackStep
        let request = DecisionRequest(track: crop.trackKey, messageID: crop.messageID, galleryVersion: version,
                                      decide: { stored throws(CloudError) in
            let outcome: TrackStep.Outcome
            do {
                outcome = try step.apply(stored, embedding: observation.embedding, quality: observation.quality,
                                         emotion: observation.emotion, at: crop.frameTime, gallery: gallery)
            } catch {
                throw CloudError(.badEmbedding, "cannot fuse the face into its track: \(error)",
                                 subject: "agent \(crop.agentID) track \(crop.trackID)")
            }
            let match = outcome.match
            let distance = match.distance.map(Double.init)
            let detection = Detection(
                time: crop.frameTime, siteID: crop.siteID, agentID: crop.agentID, camera: crop.camera,
                trackID: crop.trackID, workerID: match.workerID, distance: distance,
                emotion: outcome.emotion?.label, emotionScore: outcome.emotion?.score, quality: observation.quality,
                cropFile: cropFile, privacy: observation.image == nil, cropEmotion: observation.emotion?.top.name,
                cropEmotionScore: observation.emotion.map { Double($0.topProbability) }, messageID: crop.messageID,
                edgeWorkerID: crop.edge?.workerID, edgeDistance: crop.edge?.distance.map(Double.init),
                edgeGalleryVersion: crop.edge.map { Int(clamping: $0.galleryVersion) }, edgeAgreement: agreement)
            return TrackDecision(detection: detection, state: outcome.state,
                                 revision: outcome.revised ? TrackRevision(workerID: match.workerID, distance: distance) : nil)
        }, event: { detection, decision in
            LiveEvent(name: "detection", encoding: Self.result(detection, decision, names: names, galleryVersion: version),
                      workerID: detection.workerID)
        })
        return (request, DecisionContext(names: names, galleryVersion: version, agreement: agreement))
    }

    /// A stored decision's result, as published to the site and shown on the live feed.
    static func result(_ detection: Detection, _ decision: TrackDecision, names: [WorkerID: String],
                       galleryVersion: Int) -> RecognitionResult {
        RecognitionResult(
            detectionID: detection.id ?? 0, siteID: detection.siteID, agentID: detection.agentID,
            camera: detection.camera, trackID: detection.trackID, time: detection.time, workerID: detection.workerID,
            workerName: detection.workerID.flatMap { names[$0] }, distance: detection.distance,
            emotion: detection.emotion, emotionScore: detection.emotionScore, revised: decision.revision != nil,
            galleryVersion: galleryVersion, cropMessageID: detection.messageID, privacy: detection.privacy)
    }

    /// After the commit: the result to the site (in the background), the live feed, the counters.
    private func stored(_ detection: Detection, _ decision: TrackDecision, _ context: DecisionContext) -> RecognitionResult {
        let result = Self.result(detection, decision, names: context.names, galleryVersion: context.galleryVersion)
        publishResultInBackground(result)
        liveEvents.poke()
        if let agreement = context.agreement {
            metrics.increment("rollcall_cloud_edge_decisions_total", labels: ["agreement": agreement.rawValue])
        }
        if decision.revision != nil { metrics.increment("rollcall_cloud_track_revisions_total") }
        metrics.increment("rollcall_cloud_detections_total",
                          labels: ["site": detection.siteID, "known": detection.workerID == nil ? "false" : "true",
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
        liveEvents.poke()
        if let outboxDropped {
            metrics.set("rollcall_cloud_agent_outbox_dropped", labels: ["agent": "\(siteID)/\(id)"],
                        to: Double(outboxDropped))
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
        liveEvents.poke()
    }
}
