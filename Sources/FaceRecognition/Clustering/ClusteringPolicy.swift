/// When an arriving face joins a cluster and when two clusters become one.
public struct ClusteringPolicy: Sendable, Equatable, Codable {
    /// How distances to clusters are measured.
    public var linkage: ClusterLinkage
    /// An embedding joins the nearest cluster when it is strictly nearer than this; otherwise it starts its own.
    public var joinDistance: Double
    /// After a cluster grows, it absorbs every other cluster strictly nearer than this (0: never merge).
    public var mergeDistance: Double
    /// Average linkage: the mean squared spread assumed of a person before their cluster shows its own
    /// (squared distance units), and how many members that assumption is worth (0: none; see ClusterSummary).
    public var priorSpread: Double
    public var priorWeight: Double

    public init(linkage: ClusterLinkage, joinDistance: Double, mergeDistance: Double, priorSpread: Double = 0,
                priorWeight: Double = 0) {
        self.linkage = linkage
        self.joinDistance = joinDistance
        self.mergeDistance = mergeDistance
        self.priorSpread = priorSpread
        self.priorWeight = priorWeight
    }

    /// Throws unless both distances are finite and not negative, and joining is possible at all.
    public func validate() throws(RecognitionError) {
        guard joinDistance.isFinite, joinDistance > 0 else {
            throw RecognitionError(.invalidInput, detail: "cluster join distance \(joinDistance) must be finite and positive")
        }
        guard mergeDistance.isFinite, mergeDistance >= 0 else {
            throw RecognitionError(.invalidInput, detail: "cluster merge distance \(mergeDistance) must be finite and not negative")
        }
        guard priorSpread.isFinite, priorSpread >= 0, priorWeight.isFinite, priorWeight >= 0 else {
            throw RecognitionError(.invalidInput, detail: "cluster spread prior \(priorSpread) and weight \(priorWeight) must be finite and not negative")
        }
    }
}

extension ClusteringPolicy {
    /// Calibrated defaults per backbone (see docs/performance.md, "Recurring unknown people").
    ///
    /// dlib, average linkage: join below 0.54, merge below 0.53, spread prior 0.1 worth 4 faces. On the 12
    /// strangers of celeba-dev (30 arrival orders) pairwise precision 1.000 and recall 0.80 (median); on the
    /// 610 LFW-a people with 4 or more photos pairwise 0.976 / 0.973, BCubed 0.950 / 0.904. The two sets pull
    /// opposite ways (celeba's in-the-wild photos of one person lie farther apart; LFW's 610 people crowd
    /// each other), so each sits near the goal on one figure. Centroid linkage is offered for comparison only:
    /// its clusters chain into one another above 0.4.
    public static func defaults(for backbone: Backbone, linkage: ClusterLinkage = .average) -> ClusteringPolicy {
        switch (backbone, linkage) {
        case (.dlib, .average):
            ClusteringPolicy(linkage: .average, joinDistance: 0.54, mergeDistance: 0.53, priorSpread: 0.1, priorWeight: 4)
        case (.dlib, .centroid): ClusteringPolicy(linkage: .centroid, joinDistance: 0.4, mergeDistance: 0.4)
        case (.vgg16, _): ClusteringPolicy(linkage: linkage, joinDistance: 0.5, mergeDistance: 0.5)
        }
    }
}
