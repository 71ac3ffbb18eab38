// A test fleet publisher that keeps what it was asked to publish.
import Cloud
import Foundation
import Synchronization

final class RecordingFleet: FleetPublisher {
    let galleries = Mutex<[(Int, [String])]>([])
    /// The signed gallery messages, in order.
    let galleryMessages = Mutex<[Data]>([])
    let results = Mutex<[RecognitionResult]>([])

    func publishGallery(_ version: GalleryVersion, sites: [String]) async throws(CloudError) {
        galleries.withLock { $0.append((version.version, sites)) }
        galleryMessages.withLock { $0.append(version.snapshot) }
    }

    func publishResult(_ result: RecognitionResult) async throws(CloudError) {
        results.withLock { $0.append(result) }
    }
}
