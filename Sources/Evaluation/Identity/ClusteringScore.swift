// How well a grouping of faces matches the true identities: pairwise and BCubed precision and recall.
//
// Pairwise: of the pairs put in one cluster, the share of one person (precision); of the pairs of one person,
// the share put in one cluster (recall). Large groups weigh quadratically. BCubed: per face, the share of its
// cluster that is its person (precision) and the share of its person in its cluster (recall), averaged over
// faces, so every face weighs the same.

/// Pairwise and BCubed precision and recall of a clustering against true labels.
public struct ClusteringScore: Sendable, Equatable {
    public var pairwisePrecision: Double
    public var pairwiseRecall: Double
    public var bcubedPrecision: Double
    public var bcubedRecall: Double
    /// Faces scored.
    public var items: Int
    /// Distinct clusters and labels among them.
    public var clusters: Int
    public var labels: Int

    /// Scores `clusters[i]` against `labels[i]` for every face i. Precision of a clustering without pairs is
    /// 1 (nothing wrongly joined); recall without true pairs is 1.
    public init<Cluster: Hashable, Label: Hashable>(clusters assigned: [Cluster], labels truth: [Label]) {
        let n = min(assigned.count, truth.count)
        var joint = [Pair<Cluster, Label>: Int]()
        var clusterSize = [Cluster: Int](), labelSize = [Label: Int]()
        for i in 0 ..< n {
            joint[Pair(first: assigned[i], second: truth[i]), default: 0] += 1
            clusterSize[assigned[i], default: 0] += 1
            labelSize[truth[i], default: 0] += 1
        }
        func pairs(_ k: Int) -> Double { Double(k) * Double(k - 1) / 2 }
        let together = joint.values.reduce(0) { $0 + pairs($1) }
        let clustered = clusterSize.values.reduce(0) { $0 + pairs($1) }
        let same = labelSize.values.reduce(0) { $0 + pairs($1) }
        pairwisePrecision = clustered > 0 ? together / clustered : 1
        pairwiseRecall = same > 0 ? together / same : 1
        // BCubed: the faces of one (cluster, label) cell share their precision and recall.
        var precision = 0.0, recall = 0.0
        for (cell, k) in joint {
            let size = Double(k)
            precision += size * size / Double(clusterSize[cell.first] ?? 1)
            recall += size * size / Double(labelSize[cell.second] ?? 1)
        }
        bcubedPrecision = n > 0 ? precision / Double(n) : 1
        bcubedRecall = n > 0 ? recall / Double(n) : 1
        items = n
        clusters = clusterSize.count
        labels = labelSize.count
    }

    private struct Pair<A: Hashable, B: Hashable>: Hashable {
        var first: A
        var second: B
    }
}
