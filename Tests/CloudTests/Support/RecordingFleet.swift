// A test fleet publisher that keeps what it was asked to publish.
import Cloud
import Synchronization

final class RecordingFleet: FleetPublisher {
    let galleries = Mutex<[(Int, [String])]>([])
    let results = Mutex<[RecognitionResult]>([])

    func publishGallery(_ version: GalleryVersion, sites: [String]) async throws(CloudError) {
        galleries.withLock { $0.append((version.version, sites)) }
    }

    func publishResult(_ result: RecognitionResult) async throws(CloudError) {
        results.withLock { $0.append(result) }
    }
}
