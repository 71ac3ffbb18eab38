// One camera's per-frame work after capture: detect → track → quality → crop selection → JPEG (the face's
// geometry carried in the JPEG's own pixels) → (edge-match: decode that JPEG exactly as the cloud will, embed,
// decide; privacy: embed the crop, decide) → events for the outbox. Every detected face is tracked, however
// small; only faces of `min_face_px` and up reach the crop gate, and a track that never passes it ends as an
// image-free sighting. In edge-match and privacy modes each track remembers its latest embedding and its
// crops' decision fused by quality (as the cloud's `TrackFusion`): a face that reappears where motion cannot
// place it (a cut, an occlusion) is re-associated by embedding — across a camera cut (`SceneCutDetector`) by
// embedding only, never by position — and every frame's faces carry their track's identity. Each face message carries that face's own decision (what the cloud compares with its own decision
// for the same face). Synchronous and single-threaded; `CameraService` feeds it from a bounded queue.
import FaceDetection
import FaceRecognition
import Foundation
import Imaging

/// What the processor hands on for publication.
public enum PipelineEvent: Sendable {
    case face(FaceEvent)
    case sighting(SightingEvent)

    /// The face event, if this is one.
    public var face: FaceEvent? {
        if case .face(let face) = self { face } else { nil }
    }
}

/// The per-camera pipeline state machine around the detector.
public struct FrameProcessor {
    /// A kept crop: the cut-out region, where it lies in the frame, and the face in its coordinates.
    struct Candidate: Sendable {
        var crop: Image
        /// The part of the frame the crop shows (frame pixels).
        var region: Rect
        var faceInCrop: DetectedFace
        var face: DetectedFace
        var frameTime: Date
        var frameWidth: Int
        var frameHeight: Int
    }

    let camera: String
    let mode: AgentConfig.Mode
    let detection: DetectionConfig
    let crops: CropConfig
    var detector: any FaceDetecting
    let renderer: any CropRendering
    let embedder: (any FaceEmbedder)?
    let matcher: EdgeMatcher?
    let stats: AgentStats
    var tracker: Tracker
    var selector: CropSelector<Candidate>
    var sightings = SightingLedger()
    /// Camera cuts, after which tracks continue by embedding only.
    var cuts = SceneCutDetector()
    /// Each live track's embedded crops and latest decision (edge-match and privacy modes): a track is decided
    /// on all its crops fused by quality, as the cloud's `TrackFusion` decides it.
    var trackEvidence: [UInt64: TrackEvidence] = [:]
    /// Crops a track's decision is fused from (its best by quality), as in the cloud's `TrackFusion`.
    static let cropsFusedPerTrack = 32
    /// The faces of the latest frame, each with its track and the track's latest decision (what per-frame
    /// results and `eval video` report).
    public private(set) var lastFrameFaces: [TrackedFace] = []

    /// Creates the processor. `embedder` and `matcher` are required in edge-match and privacy modes.
    public init(camera: String, mode: AgentConfig.Mode, detection: DetectionConfig, tracking: TrackingConfig,
                crops: CropConfig, detector: any FaceDetecting, renderer: any CropRendering,
                embedder: (any FaceEmbedder)?, matcher: EdgeMatcher?, stats: AgentStats, firstTrackID: UInt64) {
        self.camera = camera
        self.mode = mode
        self.detection = detection
        self.crops = crops
        self.detector = detector
        self.renderer = renderer
        self.embedder = embedder
        self.matcher = matcher
        self.stats = stats
        tracker = Tracker(configuration: .init(iouThreshold: tracking.iouThreshold, maxGapSeconds: tracking.maxGapSeconds,
                                               maxMissedFrames: tracking.maxMissedFrames),
                          firstID: firstTrackID)
        selector = CropSelector(policy: .init(minQuality: crops.minQuality, improveInterval: crops.improveIntervalSeconds,
                                              minImprovement: crops.minImprovement))
    }

    /// Decoded crops are bounded like the cloud bounds them (`ShippedFace`), so both see the same pixels.
    static let shippedMaxPixels = ShippedFace.defaultMaxPixels

    /// Processes one frame and returns what to publish.
    public mutating func process(_ frame: CapturedFrame) -> [PipelineEvent] {
        let faces: [DetectedFace]
        do {
            faces = try detector.detect(frame.image).filter { $0.score >= detection.minScore }
        } catch {
            stats.count(.detectorFailures, camera: camera)
            faces = []
        }
        stats.count(.framesProcessed, camera: camera)
        stats.count(.faces, camera: camera, by: faces.count)
        let gateSize = Float(detection.minFacePixels)
        func passesSize(_ face: DetectedFace) -> Bool { min(face.box.width, face.box.height) >= gateSize }
        // Re-association by embedding: only where the agent embeds anyway, and only faces large enough to embed.
        let reembed: (Int) -> [Float]? = { [embedder, mode, stats] i in
            guard mode != .cloudMatch, let embedder, passesSize(faces[i]) else { return nil }
            do {
                return try embedder.embedding(of: frame.image, face: faces[i])
            } catch {
                stats.count(.embeddingFailures)
                return nil
            }
        }
        let cut = cuts.isCut(frame.image)
        let update = tracker.update(faces, at: frame.monotonicSeconds, cut: cut, embed: reembed)
        stats.count(.tracksStarted, camera: camera, by: update.started.count)
        var events: [PipelineEvent] = []
        for (face, trackID) in zip(faces, update.trackIDs) {
            sightings.saw(trackID, face: face, at: frame.time, frameWidth: frame.image.width, frameHeight: frame.image.height)
            guard passesSize(face) else { continue }
            let quality = FaceQuality(face: face, in: frame.image).overall
            guard selector.wants(trackID: trackID, quality: quality) else { continue }
            do {
                let cut = { [self] in try candidate(for: face, in: frame) }
                let decision = try selector.offer(trackID: trackID, quality: quality, time: frame.monotonicSeconds,
                                                  candidate: cut)
                if let decision { events += publish(decision) }
            } catch {
                stats.count(.cropFailures)
            }
        }
        lastFrameFaces = zip(faces, update.trackIDs).map {
            TrackedFace(trackID: $1, face: $0, decision: trackEvidence[$1]?.decision)
        }
        for track in update.ended { events += end(track.id) }
        return events
    }

    /// Ends every track (the source stopped) and returns their final crops and sightings.
    public mutating func finish() -> [PipelineEvent] {
        tracker.endAll().flatMap { end($0.id) }
    }

    /// A track ended: its best unpublished crop, or its sighting when nothing of it was ever published.
    mutating func end(_ trackID: UInt64) -> [PipelineEvent] {
        var events = [PipelineEvent]()
        if let decision = selector.end(trackID: trackID) { events += publish(decision) }
        if let sighting = sightings.end(trackID, camera: camera, minFacePixels: Float(detection.minFacePixels)) {
            events.append(.sighting(sighting))
        }
        trackEvidence[trackID] = nil
        return events
    }

    /// The face box grown by the margin on every side.
    func cropBox(for face: DetectedFace) -> Rect {
        let box = face.box
        let dx = box.width * crops.margin, dy = box.height * crops.margin
        return Rect(x: box.x - dx, y: box.y - dy, width: box.width + 2 * dx, height: box.height + 2 * dy)
    }

    func candidate(for face: DetectedFace, in frame: CapturedFrame) throws -> Candidate {
        let box = cropBox(for: face)
        let crop = try renderer.cut(frame.image, box: box)
        let originX = max(0, box.x.rounded(.down)), originY = max(0, box.y.rounded(.down))
        let shifted = DetectedFace(
            score: face.score,
            box: Rect(x: face.box.x - originX, y: face.box.y - originY, width: face.box.width, height: face.box.height),
            keypoints: face.keypoints.map { Point(x: $0.x - originX, y: $0.y - originY) })
        return Candidate(crop: crop, region: Rect(x: originX, y: originY, width: Float(crop.width), height: Float(crop.height)),
                         faceInCrop: shifted, face: face, frameTime: frame.time,
                         frameWidth: frame.image.width, frameHeight: frame.image.height)
    }

    mutating func publish(_ decision: CropDecision<Candidate>) -> [PipelineEvent] {
        let c = decision.candidate
        sightings.published(decision.trackID)
        let content: FaceEvent.Content
        let shipped: DetectedFace
        var edge: EdgeMatch?
        if mode == .privacy {
            // No image leaves the site: the embedding of the crop itself, the geometry in frame pixels.
            guard let embedder, let embedding = embed(c.crop, c.faceInCrop, with: embedder) else { return [] }
            content = .embedding(modelID: embedder.modelID, values: embedding)
            shipped = c.face
            edge = decide(embedding, of: decision)
        } else {
            let encoded: EncodedCrop
            do {
                encoded = try renderer.jpeg(c.crop, minSide: crops.minSizePixels, quality: crops.jpegQuality)
            } catch {
                stats.count(.cropFailures)
                return []
            }
            // The face in the JPEG's own pixels (the JPEG may be scaled up from the cut).
            let sx = Float(encoded.width) / Float(c.crop.width), sy = Float(encoded.height) / Float(c.crop.height)
            let box = c.faceInCrop.box
            shipped = DetectedFace(score: c.face.score,
                                   box: Rect(x: box.x * sx, y: box.y * sy, width: box.width * sx, height: box.height * sy),
                                   keypoints: c.faceInCrop.keypoints.map { Point(x: $0.x * sx, y: $0.y * sy) })
            content = .jpeg(encoded.bytes, region: c.region)
            if mode == .edgeMatch, let embedder {
                // Exactly what the cloud will embed: this JPEG, decoded as it decodes it, from this geometry.
                do {
                    let face = try ShippedFace(jpeg: encoded.bytes, face: shipped, maxPixels: Self.shippedMaxPixels)
                    if let embedding = embed(face.image, face.face, with: embedder) {
                        edge = decide(embedding, of: decision)
                    }
                } catch {
                    stats.count(.embeddingFailures)
                }
            }
        }
        return [.face(FaceEvent(messageID: UUID(), camera: camera, trackID: decision.trackID, frameTime: c.frameTime,
                                frameWidth: c.frameWidth, frameHeight: c.frameHeight, face: shipped,
                                quality: decision.quality, reason: decision.reason, content: content, edge: edge,
                                trackDecision: edge == nil ? nil : trackEvidence[decision.trackID]?.decision))]
    }

    /// The embedding of `face` in `image`, or nil (counted) when it cannot be computed.
    func embed(_ image: Image, _ face: DetectedFace, with embedder: any FaceEmbedder) -> [Float]? {
        do {
            return try embedder.embedding(of: image, face: face)
        } catch {
            stats.count(.embeddingFailures)
            return nil
        }
    }

    /// The local decision for the crop `decision` published, whose embedding is `embedding`, or nil (counted)
    /// when the gallery cannot compare it. The embedding becomes the track's (re-association after a cut), and
    /// joins the track's evidence: the track's decision fused over its crops by quality, which the faces of every
    /// later frame of the track carry (`lastFrameFaces`). The returned decision is this face's own, as the
    /// cloud decides the same face before fusing it into its track (what it compares the agent's decision with).
    mutating func decide(_ embedding: [Float], of decision: CropDecision<Candidate>) -> EdgeMatch? {
        tracker.setEmbedding(embedding, for: decision.trackID)
        guard let matcher else { return nil }
        do {
            let match = try matcher.match(embedding)
            stats.count(.localDecisions)
            let at = decision.candidate.frameTime
            var evidence = trackEvidence[decision.trackID] ?? TrackEvidence(lastSeen: at)
            evidence.add(embedding: embedding, quality: Double(decision.quality), at: at, capacity: Self.cropsFusedPerTrack)
            _ = try matcher.match(&evidence)
            trackEvidence[decision.trackID] = evidence
            return match
        } catch {
            stats.count(.matchFailures)
            return nil
        }
    }
}
