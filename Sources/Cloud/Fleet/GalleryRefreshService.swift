// Keeps the retained gallery on every site's topic from going stale: the latest version is re-signed (same
// version and content, a new validity) and published again before agents would refuse it as expired.
import Foundation
import Logging
import ServiceLifecycle

/// Re-signs and republishes the latest gallery version when less than half of its validity is left: at start
/// (a cloud that was down for days) and then every `interval`.
public struct GalleryRefreshService: Service {
    let aggregator: Aggregator
    let interval: Duration

    /// `interval` defaults to an eighth of the signer's validity (at least a minute).
    public init(aggregator: Aggregator, interval: Duration? = nil) {
        self.aggregator = aggregator
        self.interval = interval ?? .seconds(max(60, aggregator.signer.maxAge / 8))
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await refreshIfDue()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Republishes the latest version re-signed when it expires within half its validity; returns whether it
    /// did. Failures are logged and counted (`rollcall_cloud_gallery_refresh_errors_total`), never thrown.
    @discardableResult
    public func refreshIfDue(at time: Date = Date()) async -> Bool {
        let signer = aggregator.signer
        do {
            guard var latest = try await aggregator.store.latestGalleryVersion() else { return false }
            if let expiry = GallerySigner.expiry(of: latest.snapshot),
               expiry.timeIntervalSince(time) > signer.maxAge / 2 {
                return false
            }
            latest.snapshot = try signer.refreshed(latest.snapshot, at: time)
            try await aggregator.fleet.publishGallery(latest, sites: try await aggregator.store.sites().map(\.id))
            aggregator.metrics.increment("rollcall_cloud_gallery_refreshes_total")
            aggregator.logger.info("gallery \(latest.version) re-signed and republished")
            return true
        } catch {
            aggregator.metrics.increment("rollcall_cloud_gallery_refresh_errors_total")
            aggregator.logger.error("gallery refresh failed: \(error)")
            return false
        }
    }
}
