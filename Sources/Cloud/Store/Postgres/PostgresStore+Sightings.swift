// Image-free sightings on PostgreSQL.
import Foundation
import PostgresNIO

extension PostgresStore {
    public func insertSighting(_ sighting: FaceSightingRecord, event: LiveEvent?) async throws(CloudError) -> Bool {
        let s = sighting, logger = self.logger
        return try await transaction("insert sighting") { connection in
            let stored = try await !Self.rows(connection, """
                INSERT INTO face_sighting (message_id, site_id, agent_id, camera, track_id, first_seen, last_seen,
                  detections, largest_face_pixels, reason, stored_at)
                VALUES (\(s.messageID), \(s.siteID), \(s.agentID), \(s.camera), \(s.trackID), \(s.firstSeen),
                  \(s.lastSeen), \(s.detections), \(s.largestFacePixels), \(s.reason), \(s.storedAt))
                ON CONFLICT (site_id, agent_id, message_id) DO NOTHING
                RETURNING id
                """, logger: logger) { try $0.value("id", as: Int64.self) }.isEmpty
            if stored, let event { try await Self.insertEvent(event, on: connection, logger: logger) }
            return stored
        }
    }

    public func sightingsPerCamera(since: Date) async throws(CloudError) -> [CameraSightings] {
        try await rows("sightings per camera", """
            SELECT site_id, agent_id, camera, reason, COUNT(*) AS count, MAX(last_seen) AS last_seen,
                   MAX(largest_face_pixels) AS largest
            FROM face_sighting WHERE last_seen >= \(since)
            GROUP BY site_id, agent_id, camera, reason
            ORDER BY MAX(last_seen) DESC, site_id, agent_id, camera, reason
            """) { row in
            CameraSightings(siteID: try row.value("site_id"), agentID: try row.value("agent_id"),
                            camera: try row.value("camera"), reason: try row.value("reason"),
                            count: try row.value("count", as: Int.self), lastSeen: try row.value("last_seen"),
                            largestFacePixels: try row.value("largest"))
        }
    }
}
