import RollcallCore

/// One enrolled worker: the embeddings of their enrollment photos and their mean, and the faces an admin
/// marked "not this worker".
public struct GalleryWorker: Sendable, Equatable {
    /// The worker's id (positive; the cloud's store assigns it).
    public let id: WorkerID
    /// One embedding per accepted enrollment photo, in enrollment order.
    public let exemplars: [[Float]]
    /// The mean of the exemplars (accumulated in double precision).
    public let centroid: [Float]
    /// Embeddings of faces wrongly taken for this worker ("not this worker"), oldest first: a probe nearer to
    /// one of them than to this worker's enrollment is not this worker (see `MatchPolicy`).
    public internal(set) var negatives: [[Float]]

    /// A worker from validated exemplars (non-empty, equal lengths, finite).
    init(id: WorkerID, exemplars: [[Float]], negatives: [[Float]] = []) {
        self.id = id
        self.exemplars = exemplars
        self.negatives = negatives
        centroid = Self.mean(exemplars) ?? []
    }

    init(id: WorkerID, exemplars: [[Float]], centroid: [Float], negatives: [[Float]] = []) {
        self.id = id
        self.exemplars = exemplars
        self.centroid = centroid
        self.negatives = negatives
    }

    /// The mean of equal-length vectors, each weighted by `weights[i]` (1 when absent), accumulated in double
    /// precision; nil when there is nothing to average (no vectors, mismatched lengths, no positive weight).
    public static func mean(_ vectors: [[Float]], weights: [Double]? = nil) -> [Float]? {
        guard let length = vectors.first?.count, length > 0, vectors.allSatisfy({ $0.count == length }),
              weights == nil || weights?.count == vectors.count else { return nil }
        var sum = [Double](repeating: 0, count: length)
        var total = 0.0
        for (index, vector) in vectors.enumerated() {
            let weight = weights?[index] ?? 1
            guard weight > 0, weight.isFinite else { continue }
            for i in 0 ..< length { sum[i] += Double(vector[i]) * weight }
            total += weight
        }
        guard total > 0 else { return nil }
        return sum.map { Float($0 / total) }
    }
}
