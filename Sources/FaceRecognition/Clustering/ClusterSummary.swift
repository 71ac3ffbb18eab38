// What the clusterer keeps of a group of embeddings: their count, sum and sum of squared norms. From these
// three the centroid and the mean squared spread follow, and with them the average of the squared distances
// to every member — exactly, without keeping the members.
//
//   mean_j ‖x − y_j‖² = ‖x − μ‖² + s²            (s² = mean_j ‖y_j − μ‖²)
//   mean_{i,j} ‖a_i − b_j‖² = ‖μ_A − μ_B‖² + s²_A + s²_B
//
// A small cluster's s² says little about the person's real spread (one face: 0), so the linkage uses it
// shrunk towards a prior: (n s² + w s₀²) / (n + w) — a young cluster is joined and merged more cautiously.

/// Running statistics of one cluster of embeddings (Double sums, so merging many is exact enough).
public struct ClusterSummary: Sendable, Equatable {
    /// How many embeddings were added.
    public private(set) var count: Int
    /// Their element-wise sum.
    public private(set) var sum: [Double]
    /// The sum of their squared Euclidean norms.
    public private(set) var sumOfSquaredNorms: Double
    /// `sum / count` and the mean squared spread, kept up to date so distances cost one pass.
    private var mean: [Double]
    public private(set) var meanSquaredSpread: Double

    /// A cluster of one embedding.
    public init(_ embedding: [Float]) {
        count = 1
        sum = embedding.map(Double.init)
        sumOfSquaredNorms = embedding.reduce(0) { $0 + Double($1) * Double($1) }
        mean = sum
        meanSquaredSpread = 0
    }

    /// A cluster from stored statistics (as kept by a database). Throws when they cannot describe a cluster:
    /// no members, a non-finite value, or a negative sum of squares.
    public init(count: Int, sum: [Double], sumOfSquaredNorms: Double) throws(RecognitionError) {
        guard count >= 1 else { throw RecognitionError(.invalidInput, detail: "cluster with \(count) members") }
        guard !sum.isEmpty, sum.allSatisfy(\.isFinite), sumOfSquaredNorms.isFinite, sumOfSquaredNorms >= 0 else {
            throw RecognitionError(.invalidInput, detail: "cluster statistics are empty or not finite")
        }
        self.count = count
        self.sum = sum
        self.sumOfSquaredNorms = sumOfSquaredNorms
        mean = []
        meanSquaredSpread = 0
        refresh()
    }

    /// Recomputes the mean and spread from the sums.
    private mutating func refresh() {
        let n = Double(count)
        mean = sum.map { $0 / n }
        let centroidNorm = mean.reduce(0) { $0 + $1 * $1 }
        meanSquaredSpread = max(0, sumOfSquaredNorms / n - centroidNorm)
    }

    /// Embedding length.
    public var dimension: Int { sum.count }

    /// The mean embedding.
    public var centroid: [Float] { mean.map { Float($0) } }

    /// Adds one embedding (of this cluster's dimension).
    public mutating func add(_ embedding: [Float]) {
        for i in 0 ..< min(sum.count, embedding.count) { sum[i] += Double(embedding[i]) }
        sumOfSquaredNorms += embedding.reduce(0) { $0 + Double($1) * Double($1) }
        count += 1
        refresh()
    }

    /// Adds every member of `other`.
    public mutating func absorb(_ other: ClusterSummary) {
        for i in 0 ..< min(sum.count, other.sum.count) { sum[i] += other.sum[i] }
        sumOfSquaredNorms += other.sumOfSquaredNorms
        count += other.count
        refresh()
    }

    /// Squared distance from `embedding` to the centroid.
    func squaredCentroidDistance(to embedding: [Float]) -> Double {
        let n = min(mean.count, embedding.count)
        return mean.withUnsafeBufferPointer { m in
            embedding.withUnsafeBufferPointer { e in
                var total = 0.0
                for i in 0 ..< n {
                    let d = Double(e[i]) - m[i]
                    total += d * d
                }
                return total
            }
        }
    }

    /// Squared distance between the two centroids.
    func squaredCentroidDistance(to other: ClusterSummary) -> Double {
        let n = min(mean.count, other.mean.count)
        return mean.withUnsafeBufferPointer { a in
            other.mean.withUnsafeBufferPointer { b in
                var total = 0.0
                for i in 0 ..< n {
                    let d = a[i] - b[i]
                    total += d * d
                }
                return total
            }
        }
    }

    /// The spread the linkage uses: `meanSquaredSpread` shrunk towards `prior` with the weight of
    /// `weight` members.
    public func shrunkSpread(prior: Double, weight: Double) -> Double {
        guard weight > 0 else { return meanSquaredSpread }
        let n = Double(count)
        return (n * meanSquaredSpread + weight * prior) / (n + weight)
    }

    /// How far `embedding` is from this cluster under `policy`'s linkage, in embedding-distance units.
    public func distance(to embedding: [Float], under policy: ClusteringPolicy) -> Double {
        let centroid = squaredCentroidDistance(to: embedding)
        switch policy.linkage {
        case .centroid: return centroid.squareRoot()
        case .average: return (centroid + shrunkSpread(prior: policy.priorSpread, weight: policy.priorWeight)).squareRoot()
        }
    }

    /// How far apart two clusters are under `policy`'s linkage, in embedding-distance units.
    public func distance(to other: ClusterSummary, under policy: ClusteringPolicy) -> Double {
        let centroid = squaredCentroidDistance(to: other)
        switch policy.linkage {
        case .centroid: return centroid.squareRoot()
        case .average:
            let spreads = shrunkSpread(prior: policy.priorSpread, weight: policy.priorWeight)
                + other.shrunkSpread(prior: policy.priorSpread, weight: policy.priorWeight)
            return (centroid + spreads).squareRoot()
        }
    }
}
