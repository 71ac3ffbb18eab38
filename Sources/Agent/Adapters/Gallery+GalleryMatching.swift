// FaceRecognition's gallery behind the edge matcher's seam: centroid matching with a distance threshold and a
// margin to the second-nearest worker, exactly as the cloud decides.
import FaceRecognition

extension Gallery: GalleryMatching {
    public func verdict(for embedding: [Float], thresholds: MatchThresholds) throws -> GalleryVerdict {
        switch try match(embedding, thresholds: thresholds) {
        case .worker(let id, let distance, _):
            return GalleryVerdict(workerID: id, distance: distance)
        case .unknown(_, let distance, let reason):
            return GalleryVerdict(workerID: nil, distance: reason == .emptyGallery ? nil : distance)
        }
    }
}
