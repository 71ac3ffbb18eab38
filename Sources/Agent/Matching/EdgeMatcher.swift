// Local matching for edge-match and privacy modes: the face's embedding (computed here with the same backbone
// as the cloud) against the cached gallery, without the network.
import FaceDetection
import FaceRecognition
import Imaging

/// Computes identity embeddings of detected faces (FaceRecognition's backbone, e.g. dlib ResNet).
/// One instance per camera worker: implementations may keep scratch buffers.
public protocol FaceEmbedding {
    /// The backbone id written into galleries (`Backbone.modelID`); galleries for another backbone are refused.
    var modelID: String { get }
    /// The embedding of `face` in `image` (alignment included).
    func embed(face: DetectedFace, in image: Image) throws -> [Float]
}

/// What a gallery decides for one embedding.
public struct GalleryVerdict: Sendable, Equatable {
    /// The accepted worker, or nil for unknown.
    public var workerID: String?
    /// Distance to the nearest worker's centroid; nil for an empty gallery.
    public var distance: Float?

    public init(workerID: String?, distance: Float?) {
        self.workerID = workerID
        self.distance = distance
    }
}

/// A gallery that can decide which enrolled worker, if any, an embedding belongs to (FaceRecognition's gallery).
public protocol GalleryMatching: Sendable {
    /// The verdict under `thresholds` (nearest distance below `distance`, second-nearest at least `margin`
    /// farther). Throws for an embedding the gallery cannot compare (wrong length, non-finite values).
    func verdict(for embedding: [Float], thresholds: MatchThresholds) throws -> GalleryVerdict
}

/// The outcome of one local match.
public struct EdgeMatch: Sendable, Equatable {
    /// The matched worker, or nil for unknown.
    public var workerID: String?
    /// Distance to the nearest centroid; nil when there is no gallery.
    public var distance: Float?
    /// The gallery version matched against (0: none).
    public var galleryVersion: UInt64
}

/// Matches embeddings against whatever gallery the cache holds at that moment.
public struct EdgeMatcher<Builder: GalleryBuilding>: Sendable where Builder.Gallery: GalleryMatching {
    let cache: GalleryCache<Builder>
    /// When a match is accepted (`gallery.match_threshold`, `gallery.match_margin`).
    public let thresholds: MatchThresholds

    public init(cache: GalleryCache<Builder>, thresholds: MatchThresholds) {
        self.cache = cache
        self.thresholds = thresholds
    }

    /// The local decision for `embedding`: unknown with no distance while no gallery is cached. Throws when the
    /// gallery cannot compare the embedding.
    public func match(_ embedding: [Float]) throws -> EdgeMatch {
        guard let active = cache.current else { return EdgeMatch(workerID: nil, distance: nil, galleryVersion: 0) }
        let verdict = try active.gallery.verdict(for: embedding, thresholds: thresholds)
        return EdgeMatch(workerID: verdict.workerID, distance: verdict.distance, galleryVersion: active.version)
    }
}

/// Type-erased matching, so the pipeline does not carry the gallery builder's type.
public protocol EdgeMatching: Sendable {
    func match(_ embedding: [Float]) throws -> EdgeMatch
}

extension EdgeMatcher: EdgeMatching {}
