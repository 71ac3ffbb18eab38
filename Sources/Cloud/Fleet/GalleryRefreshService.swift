// Keeps the retained gallery on every site's topic from going stale: the durable publisher re-signs the latest
// version (same version and content, a new validity) each time it publishes, and this service has it publish
// again well before agents would refuse the copy on the broker as expired.
import Foundation
import ServiceLifecycle

/// Asks the gallery publisher to republish the latest version, re-signed, every `interval` (an eighth of the
/// signer's validity by default: a day for the default week), so the broker's retained copy is never older
/// than that.
public struct GalleryRefreshService: Service {
    let publisher: GalleryPublisher
    let metrics: CloudMetrics
    let interval: Duration

    public init(aggregator: Aggregator, interval: Duration? = nil) {
        publisher = aggregator.galleryPublisher
        metrics = aggregator.metrics
        self.interval = interval ?? .seconds(max(60, aggregator.signer.maxAge / 8))
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while true {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                publisher.republish()
                metrics.increment("rollcall_cloud_gallery_refreshes_total")
            }
        }
    }
}
