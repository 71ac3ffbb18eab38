// Image-free sightings in the SQLite store.
import Foundation
import GRDB

extension SQLiteStore {
    public func insertSighting(_ sighting: FaceSightingRecord, event: LiveEvent?) async throws(CloudError) -> Bool {
        try await write { db in
            let stored = FaceSightingRecord.filter(Column("siteID") == sighting.siteID && Column("agentID") == sighting.agentID
                                                   && Column("messageID") == sighting.messageID)
            if try stored.fetchCount(db) > 0 { return false }
            var row = sighting
            try row.insert(db)
            if let event { try Self.insertEvent(event, db) }
            return true
        }
    }

    public func sightingsPerCamera(since: Date) async throws(CloudError) -> [CameraSightings] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT siteID, agentID, camera, reason, COUNT(*) AS count, MAX(lastSeen) AS lastSeen,
                       MAX(largestFacePixels) AS largest
                FROM faceSighting WHERE lastSeen >= ?
                GROUP BY siteID, agentID, camera, reason
                ORDER BY MAX(lastSeen) DESC, siteID, agentID, camera, reason
                """, arguments: [since])
            return rows.map { row in
                CameraSightings(siteID: row["siteID"], agentID: row["agentID"], camera: row["camera"], reason: row["reason"],
                                count: row["count"], lastSeen: row["lastSeen"], largestFacePixels: row["largest"])
            }
        }
    }
}
