// Site time zones, workers' sites and per-site gallery messages in SQLite.
import Foundation
import GRDB

extension SQLiteStore {
    public func siteTimeZones() async throws(CloudError) -> [String: String] {
        try await read { db in
            var zones = [String: String]()
            for row in try Row.fetchAll(db, sql: "SELECT siteID, timeZone FROM siteTimeZone") {
                zones[row["siteID"]] = row["timeZone"]
            }
            return zones
        }
    }

    public func setSiteTimeZone(siteID: String, timeZone: String, actor: String) async throws(CloudError) {
        try await write { db in
            guard try Site.fetchOne(db, key: siteID) != nil else {
                throw CloudError(.notFound, "no such site", subject: "site:\(siteID)")
            }
            try db.execute(sql: """
                INSERT INTO siteTimeZone (siteID, timeZone) VALUES (?, ?)
                ON CONFLICT (siteID) DO UPDATE SET timeZone = excluded.timeZone
                """, arguments: [siteID, timeZone])
            var entry = AuditEntry(actor: actor, action: "site.time_zone", subject: "site:\(siteID)",
                                   detail: AuditDetail.json(["time_zone": timeZone]))
            try entry.insert(db)
        }
    }

    public func workerSites() async throws(CloudError) -> [Int64: Set<String>] {
        try await read { db in
            var sites = [Int64: Set<String>]()
            for row in try Row.fetchAll(db, sql: "SELECT workerID, siteID FROM workerSite") {
                sites[row["workerID"], default: []].insert(row["siteID"])
            }
            return sites
        }
    }

    public func setWorkerSites(workerID: Int64, sites: Set<String>?, actor: String) async throws(CloudError) {
        try await write { db in
            guard try Worker.fetchOne(db, key: workerID) != nil else {
                throw CloudError(.notFound, "no such worker", subject: "worker:\(workerID)")
            }
            for site in (sites ?? []).sorted() where try Site.fetchOne(db, key: site) == nil {
                throw CloudError(.notFound, "no such site", subject: "site:\(site)")
            }
            try db.execute(sql: "DELETE FROM workerSite WHERE workerID = ?", arguments: [workerID])
            for site in (sites ?? []).sorted() {
                try db.execute(sql: "INSERT INTO workerSite (workerID, siteID) VALUES (?, ?)", arguments: [workerID, site])
            }
            var entry = AuditEntry(actor: actor, action: "worker.sites", subject: "worker:\(workerID)",
                                   detail: AuditDetail.json(["sites": sites.map { $0.sorted().joined(separator: ",") } ?? "*"]))
            try entry.insert(db)
        }
    }

    public func setSiteGalleryMessages(version: Int, messages: [String: Data]) async throws(CloudError) {
        try await write { db in
            for (site, message) in messages {
                try db.execute(sql: """
                    INSERT INTO siteGallery (version, siteID, message) VALUES (?, ?, ?)
                    ON CONFLICT (version, siteID) DO UPDATE SET message = excluded.message
                    """, arguments: [version, site, message])
            }
        }
    }

    public func siteGalleryMessage(version: Int, siteID: String) async throws(CloudError) -> Data? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT message FROM siteGallery WHERE version = ? AND siteID = ?",
                              arguments: [version, siteID])
        }
    }
}
