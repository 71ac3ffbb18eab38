// What sites carry beyond their name: a time zone (attendance counts local days), which workers are enrolled
// for them (galleries per site), and each gallery version's message for each site.
import Foundation

/// Persistence of site time zones, workers' sites and per-site gallery messages (SQLite and PostgreSQL).
public protocol SiteScopeStore: Sendable {
    /// Every site's IANA time zone name; a site without one counts in UTC.
    func siteTimeZones() async throws(CloudError) -> [String: String]
    /// Sets a site's time zone (the caller validated the name); audits it.
    func setSiteTimeZone(siteID: String, timeZone: String, actor: String) async throws(CloudError)
    /// The sites each worker is enrolled for; a worker absent here is enrolled for every site.
    func workerSites() async throws(CloudError) -> [Int64: Set<String>]
    /// Enrolls a worker for `sites` only, or for every site (nil); audits it. Throws `notFound` for an unknown
    /// worker or site.
    func setWorkerSites(workerID: Int64, sites: Set<String>?, actor: String) async throws(CloudError)
    /// Stores the signed gallery message of `version` for each site (the site's workers only).
    func setSiteGalleryMessages(version: Int, messages: [String: Data]) async throws(CloudError)
    /// The signed gallery message of `version` for `siteID`, nil when none was stored for it.
    func siteGalleryMessage(version: Int, siteID: String) async throws(CloudError) -> Data?
}
