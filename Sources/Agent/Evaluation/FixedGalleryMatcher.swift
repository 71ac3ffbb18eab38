// Matching against a gallery held in memory (evaluation): the same gallery decision as the edge matcher, without
// the signed cache an agent keeps.
import FaceRecognition

/// Decides embeddings against one fixed gallery under `thresholds`.
public struct FixedGalleryMatcher: EdgeMatching {
    public let gallery: Gallery
    public let thresholds: MatchThresholds

    public init(gallery: Gallery, thresholds: MatchThresholds) {
        self.gallery = gallery
        self.thresholds = thresholds
    }

    public func match(_ embedding: [Float]) throws -> EdgeMatch {
        let verdict = try gallery.verdict(for: embedding, thresholds: thresholds)
        return EdgeMatch(workerID: verdict.workerID, distance: verdict.distance, galleryVersion: 1)
    }
}
