// The durable gallery publisher: every stored gallery version reaches the broker, whatever the broker's state
// when it was made, without any HTTP request or shutdown waiting for it — published once, by one process.
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Publishes the latest gallery version from the database, retained, to every site, in the background.
///
/// Enrollment, deletion and assignment store a version and call `versionStored()` (so does the arrival of
/// another process's version on the live feed); this service then publishes, oldest first, each version the
/// store does not record as published (more than `backlog` waiting after a long outage: only the newest, which
/// holds them all — a retained gallery is a whole snapshot), trying again, backing off, until the broker
/// acknowledges it, and records it as published. One process at a time publishes (`Store.exclusively`), in
/// version order, so the retained message ends on the newest version and each version goes out once. On start, and every
/// `recheckInterval`, it looks for a version left unpublished (made while the broker was down, or just before
/// its process died). Graceful shutdown cancels a publish in progress; the next start publishes it.
public final class GalleryPublisher: Service, Sendable {
    let store: any Store
    let fleet: any FleetPublisher
    let metrics: CloudMetrics
    let logger: Logger
    let retryDelays: (first: Double, longest: Double)
    /// How often to look for a version nobody published (its process died first).
    let recheckInterval: Double
    /// Re-signs each version as it is published (a fresh `issuedAt`/`expiresAt`), so what reaches the broker
    /// never carries a stale expiry (agents refuse an expired gallery); nil publishes the stored bytes.
    let signer: GallerySigner?
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let published = Mutex(0)
    /// Set by `republish()`: publish the newest version even though it is published.
    private let refresh = Mutex(false)
    /// The job name under which one process at a time publishes.
    static let job = "gallery-publisher"

    public init(store: any Store, fleet: any FleetPublisher, metrics: CloudMetrics, logger: Logger,
                retryDelays: (first: Double, longest: Double) = (0.25, 10), recheckInterval: Double = 15,
                signer: GallerySigner? = nil) {
        self.signer = signer
        self.store = store
        self.fleet = fleet
        self.metrics = metrics
        self.logger = logger
        self.retryDelays = retryDelays
        self.recheckInterval = recheckInterval
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A new version is in the database: publish it (returns at once).
    public func versionStored() {
        wake.yield()
    }

    /// Publishes the latest version again, re-signed (`GalleryRefreshService`, before its expiry).
    public func republish() {
        refresh.withLock { $0 = true }
        wake.yield()
    }

    /// The newest version this process published to every site since it started (0: none yet).
    public var publishedVersion: Int { published.withLock { $0 } }

    public func run() async {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(self.recheckInterval))
                        self.versionStored()
                    }
                }
                await self.publishLatest()
                for await _ in self.wakeups {
                    await self.publishLatest()
                }
                group.cancelAll()
            }
        }
    }

    /// Most unpublished versions sent one by one; beyond, only the newest (it holds every enrollment before it).
    static let backlog = 8

    /// The version to publish next, from the newest versions (newest first): the oldest unpublished one, each
    /// in turn, so that agents see every version; the newest alone when more than `backlog` wait (a long
    /// broker outage); nil when the newest is published.
    static func next(_ newest: [GalleryVersion], backlog: Int) -> GalleryVersion? {
        guard let latest = newest.first, latest.publishedAt == nil else { return nil }
        let pending = newest.prefix { $0.publishedAt == nil }
        return pending.count > backlog ? latest : pending.last
    }

    /// Publishes `version` to every site: each site its own workers (galleries per site) or, without a site
    /// message, the version's own (the workers of every site); sites with the same message together, each
    /// message re-signed now (a new `issuedAt`/`expiresAt`), so a republished version is fresh.
    private func publish(_ version: GalleryVersion) async throws {
        let sites = try await store.sites().map(\.id)
        var groups = [(message: Data, sites: [String])]()
        for site in sites {
            let message = try await store.siteGalleryMessage(version: version.version, siteID: site) ?? version.snapshot
            if let i = groups.firstIndex(where: { $0.message == message }) {
                groups[i].sites.append(site)
            } else {
                groups.append((message, [site]))
            }
        }
        for group in groups {
            var forSites = version
            forSites.snapshot = try signer?.refreshed(group.message) ?? group.message
            try await fleet.publishGallery(forSites, sites: group.sites)
        }
    }

    /// Publishes the stored versions not published yet, trying until it is or the task is
    /// cancelled. While another process publishes, it looks again every second: a version stored meanwhile
    /// may have come after that process looked.
    func publishLatest() async {
        var delay = retryDelays.first
        while !Task.isCancelled {
            do {
                let store = self.store
                let backlog = Self.backlog
                let again = refresh.withLock { $0 }
                let outcome = try await store.exclusively(Self.job) { () async throws -> Int in
                    let newest = try await store.galleryVersions(limit: backlog + 1)
                    guard let next = Self.next(newest, backlog: backlog) ?? (again ? newest.first : nil)
                    else { return 0 }
                    try await self.publish(next)
                    try await store.markGalleryPublished(version: next.version, at: Date())
                    return next.version
                }
                if again, outcome != nil { refresh.withLock { $0 = false } }
                switch outcome {
                case nil:
                    try? await Task.sleep(for: .seconds(1))
                case 0:
                    return
                case let version?:
                    published.withLock { $0 = max($0, version) }
                    metrics.set("rollcall_cloud_gallery_published_version", to: Double(version))
                    metrics.increment("rollcall_cloud_gallery_publications_total")
                    logger.info("gallery \(version) published to every site")
                    delay = retryDelays.first
                }
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
