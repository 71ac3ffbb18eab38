// Tracks' shared state on PostgreSQL: a crop's decision is taken with its track's row locked (FOR UPDATE) in the
// transaction that stores its detection, so aggregators deciding crops of one track take turns.
import Foundation
import PostgresNIO

extension PostgresStore {
    public func storeDecision(_ request: DecisionRequest) async throws(CloudError) -> DecisionOutcome {
        let logger = self.logger
        let key = request.track
        return try await transaction("store decision for track \(key.siteID)/\(key.agentID)/\(key.trackID)") { connection in
            let now = Date()
            // Locks the track's row, creating it when new (a second process creating it at the same moment
            // waits for the first to commit, then updates the committed row): the upsert returns it locked.
            let locked = try await Self.rows(connection, """
                INSERT INTO track_state (site_id, agent_id, camera, track_id, state, worker_id, last_seen, updated_at)
                VALUES (\(key.siteID), \(key.agentID), \(key.camera), \(key.trackID), NULL, NULL, \(now), \(now))
                ON CONFLICT (site_id, agent_id, camera, track_id) DO UPDATE SET updated_at = track_state.updated_at
                RETURNING state
                """, logger: logger) { try $0.value("state", as: Data?.self) }
            // With the lock held: another delivery of this message, or a newer gallery, stored first.
            let (duplicate, latest) = try await Self.rows(connection, """
                SELECT EXISTS (SELECT 1 FROM detection WHERE site_id = \(key.siteID) AND agent_id = \(key.agentID)
                                 AND message_id = \(request.messageID)) AS duplicate,
                       (SELECT COALESCE(MAX(version), 0) FROM gallery_version) AS latest
                """, logger: logger) { (try $0.value("duplicate", as: Bool.self), try $0.value("latest", as: Int.self)) }
                .first ?? (false, 0)
            if duplicate { return DecisionOutcome.duplicate }
            guard latest == request.galleryVersion else { return .galleryChanged(latest: latest) }
            let decision = try request.decide(locked.first.flatMap { $0 }.flatMap(TrackState.decoded))
            if let revision = decision.revision {
                try await connection.query("""
                    UPDATE detection SET worker_id = \(revision.workerID), distance = \(revision.distance)
                    WHERE site_id = \(key.siteID) AND agent_id = \(key.agentID) AND camera = \(key.camera)
                      AND track_id = \(key.trackID)
                    """, logger: logger)
            }
            guard let detection = try await Self.insertDetection(decision.detection, on: connection, logger: logger) else {
                // Not reachable with the check above (the message's track is locked); never store the state twice.
                throw CloudError(.storage, "message \(request.messageID?.uuidString ?? "?") stored meanwhile",
                                 subject: "track \(key.trackID)")
            }
            let state = try decision.state.encoded()
            try await connection.query("""
                UPDATE track_state SET state = \(state), worker_id = \(decision.state.decision?.workerID),
                  last_seen = \(decision.state.lastSeen), updated_at = \(now)
                WHERE site_id = \(key.siteID) AND agent_id = \(key.agentID) AND camera = \(key.camera)
                  AND track_id = \(key.trackID)
                """, logger: logger)
            try await Self.insertEvent(request.event(detection, decision), on: connection, logger: logger)
            return .stored(detection, decision)
        }
    }

    public func trackState(_ key: TrackKey) async throws(CloudError) -> TrackState? {
        try await rows("track state", """
            SELECT state FROM track_state WHERE site_id = \(key.siteID) AND agent_id = \(key.agentID)
              AND camera = \(key.camera) AND track_id = \(key.trackID)
            """) { try $0.value("state", as: Data?.self) }.first.flatMap { $0 }.flatMap(TrackState.decoded)
    }

    public func expireTracks(updatedBefore before: Date, keepingAtMost: Int) async throws(CloudError) -> Int {
        let keep = max(0, keepingAtMost)
        let logger = self.logger
        return try await transaction("expire tracks") { connection in
            let old = try await Self.rows(connection, """
                DELETE FROM track_state WHERE updated_at < \(before) RETURNING 1 AS one
                """, logger: logger) { _ in () }.count
            let beyond = try await Self.rows(connection, """
                DELETE FROM track_state WHERE ctid IN
                  (SELECT ctid FROM track_state ORDER BY updated_at DESC OFFSET \(keep))
                RETURNING 1 AS one
                """, logger: logger) { _ in () }.count
            return old + beyond
        }
    }
}
