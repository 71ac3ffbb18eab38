// Site time zones, workers' sites and per-site gallery messages on PostgreSQL.
import Foundation
import PostgresNIO

extension PostgresStore {
    public func siteTimeZones() async throws(CloudError) -> [String: String] {
        let pairs = try await rows("site time zones", "SELECT site_id, time_zone FROM site_time_zone") { row in
            (try row.value("site_id", as: String.self), try row.value("time_zone", as: String.self))
        }
        return Dictionary(pairs, uniquingKeysWith: { $1 })
    }

    public func setSiteTimeZone(siteID: String, timeZone: String, actor: String) async throws(CloudError) {
        let logger = self.logger
        try await transaction("set site time zone") { connection in
            let found = try await Self.rows(connection, "SELECT 1 AS one FROM site WHERE id = \(siteID)", logger: logger) { _ in true }
            guard !found.isEmpty else { throw CloudError(.notFound, "no such site", subject: "site:\(siteID)") }
            try await connection.query("""
                INSERT INTO site_time_zone (site_id, time_zone) VALUES (\(siteID), \(timeZone))
                ON CONFLICT (site_id) DO UPDATE SET time_zone = EXCLUDED.time_zone
                """, logger: logger)
            try await Self.insertAudit(AuditEntry(actor: actor, action: "site.time_zone", subject: "site:\(siteID)",
                                                  detail: AuditDetail.json(["time_zone": timeZone])),
                                       on: connection, logger: logger)
        }
    }

    public func workerSites() async throws(CloudError) -> [Int64: Set<String>] {
        let pairs = try await rows("worker sites", "SELECT worker_id, site_id FROM worker_site") { row in
            (try row.value("worker_id", as: Int64.self), try row.value("site_id", as: String.self))
        }
        var sites = [Int64: Set<String>]()
        for (worker, site) in pairs { sites[worker, default: []].insert(site) }
        return sites
    }

    public func setWorkerSites(workerID: Int64, sites: Set<String>?, actor: String) async throws(CloudError) {
        let logger = self.logger
        try await transaction("set worker sites") { connection in
            let found = try await Self.rows(connection, "SELECT 1 AS one FROM worker WHERE id = \(workerID) FOR UPDATE",
                                            logger: logger) { _ in true }
            guard !found.isEmpty else { throw CloudError(.notFound, "no such worker", subject: "worker:\(workerID)") }
            for site in (sites ?? []).sorted() {
                let exists = try await Self.rows(connection, "SELECT 1 AS one FROM site WHERE id = \(site)", logger: logger) { _ in true }
                guard !exists.isEmpty else { throw CloudError(.notFound, "no such site", subject: "site:\(site)") }
            }
            try await connection.query("DELETE FROM worker_site WHERE worker_id = \(workerID)", logger: logger)
            for site in (sites ?? []).sorted() {
                try await connection.query("INSERT INTO worker_site (worker_id, site_id) VALUES (\(workerID), \(site))",
                                           logger: logger)
            }
            try await Self.insertAudit(AuditEntry(actor: actor, action: "worker.sites", subject: "worker:\(workerID)",
                                                  detail: AuditDetail.json(["sites": sites.map { $0.sorted().joined(separator: ",") } ?? "*"])),
                                       on: connection, logger: logger)
        }
    }

    public func setSiteGalleryMessages(version: Int, messages: [String: Data]) async throws(CloudError) {
        let logger = self.logger
        try await transaction("store site galleries") { connection in
            for (site, message) in messages {
                try await connection.query("""
                    INSERT INTO site_gallery (version, site_id, message) VALUES (\(version), \(site), \(message))
                    ON CONFLICT (version, site_id) DO UPDATE SET message = EXCLUDED.message
                    """, logger: logger)
            }
        }
    }

    public func siteGalleryMessage(version: Int, siteID: String) async throws(CloudError) -> Data? {
        try await rows("site gallery", "SELECT message FROM site_gallery WHERE version = \(version) AND site_id = \(siteID)") {
            try $0.value("message", as: Data.self)
        }.first
    }
}
