import RollcallCore

/// What `MatchPolicy.decide` concluded for one probe (a face's embedding, or a track's fused embedding), with
/// the reason and the figures it was decided on. A plain Codable value: it is stored with tracks and compared
/// between the edge and the cloud.
public struct MatchDecision: Sendable, Equatable, Codable {
    /// Why the probe is, or is not, a worker.
    public enum Reason: String, Sendable, Equatable, Codable, CaseIterable {
        /// The nearest worker is near enough and clear of the second-nearest.
        case accepted
        /// Nobody is enrolled.
        case emptyGallery = "empty_gallery"
        /// The nearest worker is not closer than the threshold.
        case tooFar = "too_far"
        /// The second-nearest worker is within the margin of the nearest.
        case ambiguous
        /// The probe is nearer to a face an admin marked "not this worker" than to the worker's enrollment.
        case notThisWorker = "not_this_worker"
    }

    public var reason: Reason
    /// The nearest worker (also when refused); nil for an empty gallery.
    public var nearest: WorkerID?
    /// Distance to the nearest worker's centroid; nil for an empty gallery.
    public var distance: Float?
    /// How much farther the second-nearest worker is; nil with fewer than two workers.
    public var margin: Float?

    public init(reason: Reason, nearest: WorkerID?, distance: Float?, margin: Float?) {
        self.reason = reason
        self.nearest = nearest
        self.distance = distance
        self.margin = margin
    }

    /// The accepted worker, or nil for unknown.
    public var workerID: WorkerID? { reason == .accepted ? nearest : nil }

    /// The decision for a probe when no gallery is held at all.
    public static let noGallery = MatchDecision(reason: .emptyGallery, nearest: nil, distance: nil, margin: nil)
}
