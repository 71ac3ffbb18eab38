// The durable gallery publisher: every stored gallery version reaches the broker, whatever the broker's state
// when it was made, without any HTTP request or shutdown waiting for it.
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Publishes the latest gallery version from the database, retained, to every site, in the background.
///
/// Enrollment, deletion and assignment store a version and call `versionStored()`; this service then publishes
/// the newest version (older ones it has not published yet are superseded: a retained gallery is a whole
/// snapshot) and tries again, backing off, until the broker acknowledges it. On start it publishes the latest
/// stored version, so a version made while the broker was down, or just before the process died, still reaches
/// the agents. Graceful shutdown cancels a publish in progress; the next start publishes it.
public final class GalleryPublisher: Service, Sendable {
    let store: any Store
    let fleet: any FleetPublisher
    let metrics: CloudMetrics
    let logger: Logger
    let retryDelays: (first: Double, longest: Double)
    /// Re-signs each version as it is published (a fresh `issuedAt`/`expiresAt`), so what reaches the broker
    /// never carries a stale expiry (agents refuse an expired gallery); nil publishes the stored bytes.
    let signer: GallerySigner?
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let published = Mutex(0)

    public init(store: any Store, fleet: any FleetPublisher, metrics: CloudMetrics, logger: Logger,
                retryDelays: (first: Double, longest: Double) = (0.25, 10), signer: GallerySigner? = nil) {
        self.signer = signer
        self.store = store
        self.fleet = fleet
        self.metrics = metrics
        self.logger = logger
        self.retryDelays = retryDelays
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A new version is in the database: publish it (returns at once).
    public func versionStored() {
        wake.yield()
    }

    /// Publishes the latest version again, re-signed (`GalleryRefreshService`, before its expiry).
    public func republish() {
        published.withLock { $0 = 0 }
        wake.yield()
    }

    /// The newest version the broker acknowledged for every site since this process started (0: none yet).
    public var publishedVersion: Int { published.withLock { $0 } }

    public func run() async {
        await cancelWhenGracefulShutdown {
            await self.publishLatest()
            for await _ in self.wakeups {
                await self.publishLatest()
            }
        }
    }

    /// Publishes the latest stored version unless it was published already, trying until it succeeds or the
    /// task is cancelled.
    func publishLatest() async {
        var delay = retryDelays.first
        while !Task.isCancelled {
            do {
                guard let latest = try await store.latestGalleryVersion(), latest.version > publishedVersion else {
                    return
                }
                let sites = try await store.sites().map(\.id)
                // Each site receives its own workers only (galleries per site); without a site message, the
                // version's own (the workers of every site). Sites with the same message are published together.
                var groups = [(message: Data, sites: [String])]()
                for site in sites {
                    let message = try await store.siteGalleryMessage(version: latest.version, siteID: site) ?? latest.snapshot
                    if let i = groups.firstIndex(where: { $0.message == message }) {
                        groups[i].sites.append(site)
                    } else {
                        groups.append((message, [site]))
                    }
                }
                for group in groups {
                    // Each message re-signed now (new issuedAt/expiresAt), so a republished version is fresh.
                    var forSites = latest
                    forSites.snapshot = try signer?.refreshed(group.message) ?? group.message
                    try await fleet.publishGallery(forSites, sites: group.sites)
                }
                published.withLock { $0 = max($0, latest.version) }
                metrics.set("rollcall_cloud_gallery_published_version", to: Double(latest.version))
                logger.info("gallery \(latest.version) published to \(sites.count) sites")
            } catch {
                guard !Task.isCancelled else { return }
                metrics.increment("rollcall_cloud_gallery_publish_errors_total")
                logger.warning("gallery not published yet, trying again in \(delay) s: \(error)")
                try? await Task.sleep(for: .seconds(delay))
                delay = min(retryDelays.longest, delay * 2)
            }
        }
    }
}
