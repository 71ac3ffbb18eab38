// One camera's per-frame work after capture: detect → track → quality → crop selection → JPEG (the face's
// geometry carried in the JPEG's own pixels) → (edge-match: decode that JPEG exactly as the cloud will, embed,
// decide; privacy: embed the crop, decide) → face events for the outbox. Synchronous and single-threaded;
// `CameraService` feeds it from a bounded queue.
import FaceDetection
import FaceRecognition
import Foundation
import Imaging

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
        tracker = Tracker(iouThreshold: tracking.iouThreshold, maxMissedFrames: tracking.maxMissedFrames,
                          firstID: firstTrackID)
        selector = CropSelector(policy: .init(minQuality: crops.minQuality, improveInterval: crops.improveIntervalSeconds,
                                              minImprovement: crops.minImprovement))
    }

    /// Decoded crops are bounded like the cloud bounds them (`ShippedFace`), so both see the same pixels.
    static let shippedMaxPixels = ShippedFace.defaultMaxPixels

    /// Processes one frame and returns what to publish.
    public mutating func process(_ frame: CapturedFrame) -> [FaceEvent] {
        let faces: [DetectedFace]
        do {
            faces = try detector.detect(frame.image).filter {
                $0.score >= detection.minScore && min($0.box.width, $0.box.height) >= Float(detection.minFacePixels)
            }
        } catch {
            stats.count(.detectorFailures, camera: camera)
            faces = []
        }
        stats.count(.framesProcessed, camera: camera)
        stats.count(.faces, camera: camera, by: faces.count)
        let update = tracker.update(faces)
        stats.count(.tracksStarted, camera: camera, by: update.started.count)
        var events: [FaceEvent] = []
        for (face, trackID) in zip(faces, update.trackIDs) {
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
        for track in update.ended {
            if let decision = selector.end(trackID: track.id) { events += publish(decision) }
        }
        return events
    }

    /// Ends every track (the source stopped) and returns their final crops.
    public mutating func finish() -> [FaceEvent] {
        tracker.endAll().flatMap { track in selector.end(trackID: track.id).map(publish) ?? [] }
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

    func publish(_ decision: CropDecision<Candidate>) -> [FaceEvent] {
        let c = decision.candidate
        let content: FaceEvent.Content
        let shipped: DetectedFace
        var edge: EdgeMatch?
        if mode == .privacy {
            // No image leaves the site: the embedding of the crop itself, the geometry in frame pixels.
            guard let embedder, let embedding = embed(c.crop, c.faceInCrop, with: embedder) else { return [] }
            content = .embedding(modelID: embedder.modelID, values: embedding)
            shipped = c.face
            edge = decide(embedding)
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
                    if let embedding = embed(face.image, face.face, with: embedder) { edge = decide(embedding) }
                } catch {
                    stats.count(.embeddingFailures)
                }
            }
        }
        return [FaceEvent(messageID: UUID(), camera: camera, trackID: decision.trackID, frameTime: c.frameTime,
                          frameWidth: c.frameWidth, frameHeight: c.frameHeight, face: shipped, quality: decision.quality,
                          reason: decision.reason, content: content, edge: edge)]
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

    /// The local decision for `embedding`, or nil (counted) when the gallery cannot compare it.
    func decide(_ embedding: [Float]) -> EdgeMatch? {
        guard let matcher else { return nil }
        do {
            let match = try matcher.match(embedding)
            stats.count(.localDecisions)
            return match
        } catch {
            stats.count(.matchFailures)
            return nil
        }
    }
}
