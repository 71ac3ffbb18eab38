// What the clusterer keeps of a group of embeddings: their count, sum and sum of squared norms. From these
// three the centroid and the mean squared spread follow, and with them the average of the squared distances
// to every member — exactly, without keeping the members.
//
//   mean_j ‖x − y_j‖² = ‖x − μ‖² + s²            (s² = mean_j ‖y_j − μ‖²)
//   mean_{i,j} ‖a_i − b_j‖² = ‖μ_A − μ_B‖² + s²_A + s²_B

/// Running statistics of one cluster of embeddings (Double sums, so merging many is exact enough).
public struct ClusterSummary: Sendable, Equatable, Codable {
    /// How many embeddings were added.
    public private(set) var count: Int
    /// Their element-wise sum.
    public private(set) var sum: [Double]
    /// The sum of their squared Euclidean norms.
    public private(set) var sumOfSquaredNorms: Double

    /// A cluster of one embedding.
    public init(_ embedding: [Float]) {
        count = 1
        sum = embedding.map(Double.init)
        sumOfSquaredNorms = embedding.reduce(0) { $0 + Double($1) * Double($1) }
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
    }

    /// Embedding length.
    public var dimension: Int { sum.count }

    /// The mean embedding.
    public var centroid: [Float] { sum.map { Float($0 / Double(count)) } }

    /// Mean squared distance of the members from the centroid (0 for one member).
    public var meanSquaredSpread: Double {
        let n = Double(count)
        let centroidNorm = sum.reduce(0) { $0 + ($1 / n) * ($1 / n) }
        return max(0, sumOfSquaredNorms / n - centroidNorm)
    }

    /// Adds one embedding (of this cluster's dimension).
    public mutating func add(_ embedding: [Float]) {
        for i in 0 ..< min(sum.count, embedding.count) { sum[i] += Double(embedding[i]) }
        sumOfSquaredNorms += embedding.reduce(0) { $0 + Double($1) * Double($1) }
        count += 1
    }

    /// Adds every member of `other`.
    public mutating func absorb(_ other: ClusterSummary) {
        for i in 0 ..< min(sum.count, other.sum.count) { sum[i] += other.sum[i] }
        sumOfSquaredNorms += other.sumOfSquaredNorms
        count += other.count
    }

    /// Squared distance from `embedding` to the centroid.
    func squaredCentroidDistance(to embedding: [Float]) -> Double {
        let n = Double(count)
        var total = 0.0
        for i in 0 ..< min(sum.count, embedding.count) {
            let d = Double(embedding[i]) - sum[i] / n
            total += d * d
        }
        return total
    }

    /// Squared distance between the two centroids.
    func squaredCentroidDistance(to other: ClusterSummary) -> Double {
        let n = Double(count), m = Double(other.count)
        var total = 0.0
        for i in 0 ..< min(sum.count, other.sum.count) {
            let d = sum[i] / n - other.sum[i] / m
            total += d * d
        }
        return total
    }

    /// How far `embedding` is from this cluster under `linkage`, in embedding-distance units.
    public func distance(to embedding: [Float], linkage: ClusterLinkage) -> Double {
        let centroid = squaredCentroidDistance(to: embedding)
        switch linkage {
        case .centroid: return centroid.squareRoot()
        case .average: return (centroid + meanSquaredSpread).squareRoot()
        }
    }

    /// How far apart two clusters are under `linkage`, in embedding-distance units.
    public func distance(to other: ClusterSummary, linkage: ClusterLinkage) -> Double {
        let centroid = squaredCentroidDistance(to: other)
        switch linkage {
        case .centroid: return centroid.squareRoot()
        case .average: return (centroid + meanSquaredSpread + other.meanSquaredSpread).squareRoot()
        }
    }
}
