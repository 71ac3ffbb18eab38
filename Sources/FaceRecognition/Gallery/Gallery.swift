// Gallery: the enrolled workers of one embedding model and the policy probes are decided with — the one
// identity core the cloud and edge-matching agents share (agents receive it as a signed snapshot).
import RollcallCore

/// The enrolled workers for one backbone, with the match policy every decision against them uses. A value
/// type: enrolling returns a new gallery state; equal enrollments give equal galleries and byte-equal
/// snapshots.
public struct Gallery: Sendable, Equatable {
    /// Model identity of every embedding here (`Backbone.modelID`).
    public let modelID: String
    /// Embedding length.
    public let dimension: Int
    /// How probes are decided against this gallery. Part of the snapshot, so an agent decides with exactly
    /// the cloud's rule and values.
    public var policy: MatchPolicy
    /// Workers sorted by id.
    public internal(set) var workers: [GalleryWorker]

    /// An empty gallery for `modelID` embeddings of length `dimension`, decided under `policy`.
    public init(modelID: String, dimension: Int, policy: MatchPolicy) throws(RecognitionError) {
        guard !modelID.isEmpty, modelID.utf8.count <= 255 else {
            throw RecognitionError(.invalidInput, detail: "model id must be 1…255 bytes")
        }
        guard (1 ... 65536).contains(dimension) else {
            throw RecognitionError(.invalidInput, detail: "dimension \(dimension) is outside 1…65536")
        }
        try policy.validate()
        self.modelID = modelID
        self.dimension = dimension
        self.policy = policy
        self.workers = []
    }

    init(modelID: String, dimension: Int, policy: MatchPolicy, sortedWorkers: [GalleryWorker]) {
        self.modelID = modelID
        self.dimension = dimension
        self.policy = policy
        self.workers = sortedWorkers
    }

    /// Checks that `embedding` can enter or be matched against this gallery: right length, every value finite.
    public func validate(_ embedding: [Float]) throws(RecognitionError) {
        guard embedding.count == dimension else {
            throw RecognitionError(.invalidEmbedding, detail: "embedding has \(embedding.count) values, the \(modelID) gallery needs \(dimension)")
        }
        if let bad = embedding.firstIndex(where: { !$0.isFinite }) {
            throw RecognitionError(.invalidEmbedding, detail: "embedding value \(bad) is \(embedding[bad])")
        }
    }

    /// Enrolls (or re-enrolls, replacing) `workerID` with one embedding per enrollment photo. Nothing
    /// changes when any embedding is invalid.
    public mutating func enroll(workerID: WorkerID, embeddings: [[Float]]) throws(RecognitionError) {
        try Self.validateWorkerID(workerID)
        guard !embeddings.isEmpty else {
            throw RecognitionError(.invalidEmbedding, detail: "worker \(workerID): no embeddings to enroll")
        }
        for e in embeddings { try validate(e) }
        let worker = GalleryWorker(id: workerID, exemplars: embeddings)
        if let i = workers.firstIndex(where: { $0.id == workerID }) {
            workers[i] = worker
        } else {
            let at = workers.firstIndex { $0.id > workerID } ?? workers.count
            workers.insert(worker, at: at)
        }
    }

    /// Removes a worker; returns whether they were enrolled.
    @discardableResult
    public mutating func remove(workerID: WorkerID) -> Bool {
        guard let i = workers.firstIndex(where: { $0.id == workerID }) else { return false }
        workers.remove(at: i)
        return true
    }

    /// The enrolled worker with this id.
    public func worker(_ id: WorkerID) -> GalleryWorker? {
        workers.first { $0.id == id }
    }

    static func validateWorkerID(_ id: WorkerID) throws(RecognitionError) {
        guard id > 0 else {
            throw RecognitionError(.invalidWorker, detail: "worker id \(id) is not positive")
        }
    }

    /// One worker's distance to a probe.
    public struct Candidate: Sendable, Equatable {
        public var id: WorkerID
        /// Euclidean distance from the probe to the worker's centroid.
        public var distance: Float
    }

    /// Distance from `embedding` to each worker's centroid, nearest first (equal distances: lower id first).
    public func ranked(_ embedding: [Float]) throws(RecognitionError) -> [Candidate] {
        try validate(embedding)
        return workers.map { Candidate(id: $0.id, distance: euclideanDistance($0.centroid, embedding)) }
            .sorted { $0.distance < $1.distance || ($0.distance == $1.distance && $0.id < $1.id) }
    }

    /// The decision for `embedding` under this gallery's own policy.
    public func decide(_ embedding: [Float]) throws(RecognitionError) -> MatchDecision {
        try policy.decide(embedding, in: self)
    }
}
