// Local matching for edge-match and privacy modes: the face's embedding (computed here with the same backbone
// as the cloud) against the cached gallery, without the network.
import FaceDetection
import Imaging

/// Computes identity embeddings of detected faces (FaceRecognition's backbone, e.g. dlib ResNet).
/// One instance per camera worker: implementations may keep scratch buffers.
public protocol FaceEmbedding {
    /// The backbone id; galleries for another backbone are refused.
    var modelID: String { get }
    /// The embedding of `face` in `image` (alignment included).
    func embed(face: DetectedFace, in image: Image) throws -> [Float]
}

/// A gallery that can name the nearest enrolled worker to an embedding (FaceRecognition's gallery).
public protocol GalleryMatching: Sendable {
    /// The nearest centroid's worker and distance, or nil for an empty gallery.
    func nearest(to embedding: [Float]) -> (workerID: String, distance: Float)?
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
    /// Largest distance accepted as a match.
    public let threshold: Float

    public init(cache: GalleryCache<Builder>, threshold: Float) {
        self.cache = cache
        self.threshold = threshold
    }

    public func match(_ embedding: [Float]) -> EdgeMatch {
        guard let active = cache.current else { return EdgeMatch(workerID: nil, distance: nil, galleryVersion: 0) }
        guard let nearest = active.gallery.nearest(to: embedding) else {
            return EdgeMatch(workerID: nil, distance: nil, galleryVersion: active.version)
        }
        return EdgeMatch(workerID: nearest.distance <= threshold ? nearest.workerID : nil, distance: nearest.distance,
                         galleryVersion: active.version)
    }
}

/// Type-erased matching, so the pipeline does not carry the gallery builder's type.
public protocol EdgeMatching: Sendable {
    func match(_ embedding: [Float]) -> EdgeMatch
}

extension EdgeMatcher: EdgeMatching {}
