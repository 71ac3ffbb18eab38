// Local matching for edge-match and privacy modes: the face's embedding (computed here with the same backbone
// as the cloud) decided against the cached gallery — FaceRecognition's gallery and match policy, exactly as the
// cloud decides, since the policy travels with the signed gallery.
import FaceRecognition

/// The outcome of one local match.
public struct EdgeMatch: Sendable, Equatable {
    /// The decision (`MatchDecision.noGallery` while no gallery is cached).
    public var decision: MatchDecision
    /// The gallery version decided against (0: none).
    public var galleryVersion: UInt64

    public init(decision: MatchDecision, galleryVersion: UInt64) {
        self.decision = decision
        self.galleryVersion = galleryVersion
    }
}

/// Decides embeddings against whatever gallery the cache holds at that moment.
public struct EdgeMatcher: Sendable {
    let cache: GalleryCache<RecognitionGalleryBuilder>

    public init(cache: GalleryCache<RecognitionGalleryBuilder>) {
        self.cache = cache
    }

    /// The local decision for `embedding`. Throws when the gallery cannot compare the embedding (wrong length,
    /// non-finite values).
    public func match(_ embedding: [Float]) throws(RecognitionError) -> EdgeMatch {
        guard let active = cache.current else { return EdgeMatch(decision: .noGallery, galleryVersion: 0) }
        return EdgeMatch(decision: try active.gallery.decide(embedding), galleryVersion: active.version)
    }

    /// The decision for a track's evidence (its crops' embeddings fused by quality, as the cloud's
    /// `TrackFusion` fuses them), recorded in the evidence. Throws when the gallery cannot compare them.
    public func match(_ evidence: inout TrackEvidence) throws(RecognitionError) -> EdgeMatch {
        guard let active = cache.current else { return EdgeMatch(decision: .noGallery, galleryVersion: 0) }
        return EdgeMatch(decision: try evidence.decide(against: active.gallery), galleryVersion: active.version)
    }
}
