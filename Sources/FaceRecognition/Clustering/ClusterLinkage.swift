/// How the distance between an embedding (or a cluster) and a cluster is measured.
public enum ClusterLinkage: String, Sendable, Equatable, Codable, CaseIterable {
    /// Euclidean distance to the cluster's centroid (between centroids for two clusters).
    case centroid
    /// Root of the mean squared distance to every member (between every pair of members for two clusters):
    /// a large, loose cluster does not swallow faces near its centre more readily than a small, tight one.
    case average
}
