/// When an arriving face joins a cluster and when two clusters become one.
public struct ClusteringPolicy: Sendable, Equatable, Codable {
    /// How distances to clusters are measured.
    public var linkage: ClusterLinkage
    /// An embedding joins the nearest cluster when it is strictly nearer than this; otherwise it starts its own.
    public var joinDistance: Double
    /// After a cluster grows, it absorbs every other cluster strictly nearer than this (0: never merge).
    public var mergeDistance: Double

    public init(linkage: ClusterLinkage, joinDistance: Double, mergeDistance: Double) {
        self.linkage = linkage
        self.joinDistance = joinDistance
        self.mergeDistance = mergeDistance
    }

    /// Throws unless both distances are finite and not negative, and joining is possible at all.
    public func validate() throws(RecognitionError) {
        guard joinDistance.isFinite, joinDistance > 0 else {
            throw RecognitionError(.invalidInput, detail: "cluster join distance \(joinDistance) must be finite and positive")
        }
        guard mergeDistance.isFinite, mergeDistance >= 0 else {
            throw RecognitionError(.invalidInput, detail: "cluster merge distance \(mergeDistance) must be finite and not negative")
        }
    }
}

extension ClusteringPolicy {
    /// Calibrated defaults per backbone and linkage (see docs/performance.md, "Unknown people").
    public static func defaults(for backbone: Backbone, linkage: ClusterLinkage = .average) -> ClusteringPolicy {
        switch (backbone, linkage) {
        case (.dlib, .average): ClusteringPolicy(linkage: .average, joinDistance: 0.55, mergeDistance: 0.55)
        case (.dlib, .centroid): ClusteringPolicy(linkage: .centroid, joinDistance: 0.45, mergeDistance: 0.45)
        case (.vgg16, _): ClusteringPolicy(linkage: linkage, joinDistance: 0.5, mergeDistance: 0.5)
        }
    }
}
