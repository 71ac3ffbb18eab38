// Galleries per site: a worker is enrolled for every site or for a list; each site's agents receive a gallery
// of that site's workers only, and a change of a worker's sites publishes a new version (acknowledged per agent).
import FaceRecognition
import Foundation
import RollcallCore

/// Which workers each site's gallery holds.
struct SiteScopes: Sendable {
    /// Workers enrolled for every site (what the version's own message holds).
    var everySite: Set<WorkerID>
    /// Each site's workers (every-site workers included).
    var perSite: [String: Set<WorkerID>]
}

extension Aggregator {
    /// The workers of each site's gallery.
    func siteScopes(of gallery: Gallery) async throws(CloudError) -> SiteScopes {
        let restricted = try await store.workerSites()
        let all = Set(gallery.workers.map(\.id))
        let everySite = all.filter { restricted[$0] == nil }
        var perSite = [String: Set<WorkerID>]()
        for site in try await store.sites() {
            perSite[site.id] = everySite.union(all.filter { restricted[$0]?.contains(site.id) == true })
        }
        return SiteScopes(everySite: everySite, perSite: perSite)
    }

    /// The signed gallery of `version` of each site that has workers of its own (the other sites receive the
    /// version's own message).
    static func siteGalleryMessages(version: Int, gallery: Gallery, scopes: SiteScopes,
                                    signer: GallerySigner) throws(CloudError) -> [String: Data] {
        var messages = [String: Data]()
        for (site, workers) in scopes.perSite where workers != scopes.everySite {
            messages[site] = try signer.galleryMessage(version: version, gallery: gallery.restricted(to: workers))
        }
        return messages
    }

    /// Enrolls a worker for `sites` only, or every site (nil), and publishes galleries per site: a site the
    /// worker leaves receives a gallery without them, which its agents acknowledge. Throws `badRequest` for an
    /// empty list (a worker needs a site), `notFound` for an unknown worker or site.
    @discardableResult
    public func setWorkerSites(workerID: WorkerID, sites: Set<String>?, actor: String) async throws(CloudError) -> GalleryVersion {
        if let sites, sites.isEmpty {
            throw CloudError(.badRequest, "a worker is enrolled for every site (null) or at least one site", subject: "sites")
        }
        try await store.setWorkerSites(workerID: workerID, sites: sites, actor: actor)
        let scope = sites.map { $0.sorted().joined(separator: ",") } ?? "every site"
        return try await publishGallery(reason: "worker:\(workerID) sites: \(scope)", actor: actor)
    }

    /// Sets a site's IANA time zone (attendance counts its local days); refuses names the time zone database
    /// does not know.
    public func setSiteTimeZone(siteID: String, timeZone name: String, actor: String) async throws(CloudError) -> SiteTimeZone {
        let zone = try SiteTimeZone(name)
        try await store.setSiteTimeZone(siteID: siteID, timeZone: zone.identifier, actor: actor)
        return zone
    }

    /// Every site's time zone (UTC where none is set or a stored name is no longer known).
    public func siteTimeZones() async throws(CloudError) -> [String: SiteTimeZone] {
        var zones = [String: SiteTimeZone]()
        for (site, name) in try await store.siteTimeZones() {
            if let zone = try? SiteTimeZone(name) {
                zones[site] = zone
            } else {
                metrics.increment("rollcall_cloud_time_zones_unknown_total")
                logger.warning("site \(site): stored time zone '\(name)' is unknown here; counting in UTC")
            }
        }
        return zones
    }
}
