// Gallery: the enrolled workers of one embedding model, and matching a probe against them.

/// The enrolled workers for one backbone. A value type: enrolling returns a new gallery state; equal
/// enrollments give equal galleries and byte-equal snapshots.
public struct Gallery: Sendable, Equatable {
    /// Model identity of every embedding here (`Backbone.modelID`).
    public let modelID: String
    /// Embedding length.
    public let dimension: Int
    /// Workers sorted by id.
    public private(set) var workers: [GalleryWorker]

    /// An empty gallery for `modelID` embeddings of length `dimension`.
    public init(modelID: String, dimension: Int) throws(RecognitionError) {
        guard !modelID.isEmpty, modelID.utf8.count <= 255 else {
            throw RecognitionError(.invalidInput, detail: "model id must be 1…255 bytes")
        }
        guard (1 ... 65536).contains(dimension) else {
            throw RecognitionError(.invalidInput, detail: "dimension \(dimension) is outside 1…65536")
        }
        self.modelID = modelID
        self.dimension = dimension
        self.workers = []
    }

    init(modelID: String, dimension: Int, sortedWorkers: [GalleryWorker]) {
        self.modelID = modelID
        self.dimension = dimension
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
    public mutating func enroll(workerID: String, embeddings: [[Float]]) throws(RecognitionError) {
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
    public mutating func remove(workerID: String) -> Bool {
        guard let i = workers.firstIndex(where: { $0.id == workerID }) else { return false }
        workers.remove(at: i)
        return true
    }

    static func validateWorkerID(_ id: String) throws(RecognitionError) {
        guard !id.isEmpty, id.utf8.count <= 255, !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw RecognitionError(.invalidWorker, detail: "worker id must be 1…255 bytes without control characters")
        }
    }

    /// The verdict for one probe.
    public enum Match: Sendable, Equatable {
        /// Accepted as this worker.
        case worker(id: String, distance: Float, margin: Float)
        /// Not accepted: the nearest worker (if any) is too far or too close to the second-nearest.
        case unknown(nearest: String?, distance: Float, reason: UnknownReason)

        /// The matched worker id, or nil for unknown.
        public var workerID: String? {
            if case .worker(let id, _, _) = self { return id }
            return nil
        }
    }

    /// Why a probe is unknown.
    public enum UnknownReason: String, Sendable, Equatable {
        case emptyGallery, tooFar, ambiguous
    }

    /// Distance from `embedding` to each worker's centroid, nearest first.
    public func ranked(_ embedding: [Float]) throws(RecognitionError) -> [(id: String, distance: Float)] {
        try validate(embedding)
        return workers.map { ($0.id, euclideanDistance($0.centroid, embedding)) }
            .sorted { $0.distance < $1.distance || ($0.distance == $1.distance && $0.id < $1.id) }
    }

    /// Matches `embedding` against the workers' centroids under `thresholds`.
    public func match(_ embedding: [Float], thresholds: MatchThresholds) throws(RecognitionError) -> Match {
        let ranking = try ranked(embedding)
        guard let best = ranking.first else { return .unknown(nearest: nil, distance: .infinity, reason: .emptyGallery) }
        let margin = ranking.count > 1 ? ranking[1].distance - best.distance : .infinity
        guard best.distance < thresholds.distance else {
            return .unknown(nearest: best.id, distance: best.distance, reason: .tooFar)
        }
        guard margin >= thresholds.margin else {
            return .unknown(nearest: best.id, distance: best.distance, reason: .ambiguous)
        }
        return .worker(id: best.id, distance: best.distance, margin: margin)
    }
}
