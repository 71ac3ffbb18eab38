// Every counter the agent keeps, shared by the pipeline (writers) and the heartbeat and /metrics (readers).
// Nothing is dropped silently: each drop has a counter here.
import Foundation

/// Thread-safe counters, per agent and per camera.
public final class AgentStats: @unchecked Sendable {
    /// Agent-wide counters.
    public enum Counter: String, Sendable, CaseIterable {
        /// Crops (or, in privacy mode, embeddings) stored in the outbox.
        case cropsQueued = "crops_queued"
        /// Faces decided locally against the cached gallery (edge-match and privacy modes); each decision travels
        /// inside its face message.
        case localDecisions = "local_decisions"
        /// Publish attempts that failed (each is retried).
        case publishFailures = "publish_failures"
        /// Crops that could not be cut or encoded.
        case cropFailures = "crop_failures"
        /// Messages that could not be stored in the outbox.
        case outboxFailures = "outbox_failures"
        /// Gallery snapshots applied.
        case galleryApplied = "gallery_applied"
        /// Gallery messages refused (malformed, unsigned, wrong signature, older version).
        case galleryRefused = "gallery_refused"
        /// Faces that could not be embedded locally.
        case embeddingFailures = "embedding_failures"
        /// Local embeddings the cached gallery could not compare (the face goes without a local decision).
        case matchFailures = "match_failures"
    }

    /// Per-camera counters.
    public enum CameraCounter: String, Sendable, CaseIterable {
        /// Frames delivered by the source.
        case framesCaptured = "frames_captured"
        /// Frames that went through detection.
        case framesProcessed = "frames_processed"
        /// Frames dropped because detection was behind (the queue was full).
        case framesDropped = "frames_dropped"
        /// Frames the source could not decode (e.g. a corrupt MJPEG frame), skipped.
        case framesCorrupt = "frames_corrupt"
        /// Faces detected.
        case faces = "faces"
        /// Face messages (JPEG crops, or embeddings in privacy mode) stored in the outbox for publication.
        case facesQueued = "faces_queued"
        /// Tracks started.
        case tracksStarted = "tracks_started"
        /// Tracks that ended without ever passing the crop gate, queued as image-free sightings.
        case sightingsQueued = "sightings_queued"
        /// Detector failures.
        case detectorFailures = "detector_failures"
        /// Times the source failed and was reopened.
        case sourceRestarts = "source_restarts"
    }

    private let lock = NSLock()
    private var agent: [Counter: Int] = [:]
    private var cameras: [String: [CameraCounter: Int]] = [:]
    /// Seconds each processed frame took (latest few hundred), per camera.
    private var frameSeconds: [String: [Double]] = [:]

    public init() {}

    /// Adds `amount` to an agent-wide counter.
    public func count(_ counter: Counter, by amount: Int = 1) {
        lock.lock()
        agent[counter, default: 0] += amount
        lock.unlock()
    }

    /// Adds `amount` to a camera's counter.
    public func count(_ counter: CameraCounter, camera: String, by amount: Int = 1) {
        lock.lock()
        cameras[camera, default: [:]][counter, default: 0] += amount
        lock.unlock()
    }

    /// Records how long one frame's processing took.
    public func recordFrame(camera: String, seconds: Double) {
        lock.lock()
        var samples = frameSeconds[camera, default: []]
        if samples.count >= 512 { samples.removeFirst(samples.count - 511) }
        samples.append(seconds)
        frameSeconds[camera] = samples
        lock.unlock()
    }

    /// A consistent copy of every counter.
    public func snapshot() -> Snapshot {
        lock.lock()
        defer { lock.unlock() }
        return Snapshot(agent: agent, cameras: cameras, frameSeconds: frameSeconds)
    }

    /// Counters at one instant.
    public struct Snapshot: Sendable {
        public var agent: [Counter: Int]
        public var cameras: [String: [CameraCounter: Int]]
        public var frameSeconds: [String: [Double]]

        public subscript(_ counter: Counter) -> Int { agent[counter] ?? 0 }
        public subscript(_ counter: CameraCounter, camera camera: String) -> Int { cameras[camera]?[counter] ?? 0 }
    }
}
