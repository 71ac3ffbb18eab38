// The faces behind detections and the "not this worker" corrections made on them.
import Foundation

/// One stored face embedding of a detection, with what decides over it.
public struct DetectionFace: Sendable, Equatable {
    public var detectionID: Int64
    public var embedding: [Float]
    public var quality: Double

    public init(detectionID: Int64, embedding: [Float], quality: Double) {
        self.detectionID = detectionID
        self.embedding = embedding
        self.quality = quality
    }
}

/// What a correction (or its undoing) re-decided, stored with its live event in one transaction
/// (`CorrectionStore.storeRedecision`).
public struct CorrectionRedecision: Sendable {
    /// The corrected detection's track and the identity all its detections take (nil revision: unchanged).
    public var siteID: String
    public var agentID: String
    public var trackID: String
    public var track: TrackRevision?
    /// The corrected detection's own identity, apart from its track's (nil: as its track).
    public var detectionID: Int64?
    public var detection: TrackRevision?

    public init(siteID: String, agentID: String, trackID: String, track: TrackRevision? = nil,
                detectionID: Int64? = nil, detection: TrackRevision? = nil) {
        self.siteID = siteID
        self.agentID = agentID
        self.trackID = trackID
        self.track = track
        self.detectionID = detectionID
        self.detection = detection
    }
}

/// Persistence of detection embeddings and "not this worker" negatives (SQLite and PostgreSQL).
public protocol CorrectionStore: Sendable {
    /// Keeps the face embedding a detection was decided on (for corrections and for clustering).
    func saveDetectionEmbedding(detectionID: Int64, embedding: [Float]) async throws(CloudError)
    /// The stored faces of one track, oldest first.
    func trackFaces(siteID: String, agentID: String, trackID: String) async throws(CloudError) -> [DetectionFace]
    /// The embedding of one detection, nil when none was kept.
    func detectionEmbedding(id: Int64) async throws(CloudError) -> [Float]?
    /// Revises the identity of one detection (a correction re-decided it apart from its track).
    func reviseDetection(id: Int64, workerID: Int64?, distance: Double?) async throws(CloudError)
    /// Stores what a correction re-decided (nil: nothing, only the event) and the correction's live event in
    /// one transaction: the track's detections first, then the corrected detection.
    func storeRedecision(_ redecision: CorrectionRedecision?, event: LiveEvent) async throws(CloudError)
    /// Stores a correction and audits it (`detection.not_this_worker`).
    func addNegative(_ negative: WorkerNegative) async throws(CloudError) -> WorkerNegative
    /// Marks a correction undone and audits it; throws `notFound` for an unknown one, `badRequest` when it was
    /// undone already.
    func undoNegative(id: Int64, actor: String, at: Date) async throws(CloudError) -> WorkerNegative
    func negative(id: Int64) async throws(CloudError) -> WorkerNegative?
    /// Corrections, newest first (undone ones included when asked).
    func negatives(workerID: Int64?, includeUndone: Bool, limit: Int) async throws(CloudError) -> [WorkerNegative]
    /// The embeddings of every standing correction, by worker, oldest first (what the gallery carries).
    func activeNegativeEmbeddings() async throws(CloudError) -> [Int64: [[Float]]]
}
