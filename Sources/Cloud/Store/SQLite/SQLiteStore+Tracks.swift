// Tracks' shared state on SQLite: decided in the single write transaction, which is the track's lock (one
// writer at a time, also across processes sharing the file: GRDB's write transactions are IMMEDIATE).
import Foundation
import GRDB

extension SQLiteStore {
    public func storeDecision(_ request: DecisionRequest) async throws(CloudError) -> DecisionOutcome {
        if let blob = request.blob {
            // Crops beside SQLite are files, saved before the decision (`FileVault.stage`).
            throw CloudError(.storage, "SQLite keeps crops as files, not rows", subject: blob.name)
        }
        return try await write { db in
            let key = request.track
            if let messageID = request.messageID,
               try Detection.filter(Column("siteID") == key.siteID && Column("agentID") == key.agentID
                                    && Column("messageID") == messageID).fetchCount(db) > 0 {
                return .duplicate
            }
            let latest = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM galleryVersion") ?? 0
            guard latest == request.galleryVersion else { return .galleryChanged(latest: latest) }
            let stored = try Data.fetchOne(db, sql: """
                SELECT state FROM trackState WHERE siteID = ? AND agentID = ? AND camera = ? AND trackID = ?
                """, arguments: [key.siteID, key.agentID, key.camera, key.trackID])
            let decision = try request.decide(stored.flatMap(TrackState.decoded))
            if let revision = decision.revision {
                try db.execute(sql: """
                    UPDATE detection SET workerID = ?, distance = ?
                    WHERE siteID = ? AND agentID = ? AND camera = ? AND trackID = ?
                    """, arguments: [revision.workerID, revision.distance, key.siteID, key.agentID, key.camera,
                                     key.trackID])
            }
            var detection = decision.detection
            try detection.insert(db)
            try db.execute(sql: """
                INSERT OR REPLACE INTO trackState (siteID, agentID, camera, trackID, state, workerID, lastSeen, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key.siteID, key.agentID, key.camera, key.trackID, try decision.state.encoded(),
                                 decision.state.decision?.workerID, decision.state.lastSeen, Date()])
            try Self.insertEvent(request.event(detection, decision), db)
            if let embedding = request.embedding, let id = detection.id {
                try Self.saveDetectionEmbedding(detectionID: id, embedding: embedding, db)
            }
            return .stored(detection, decision)
        }
    }

    public func trackState(_ key: TrackKey) async throws(CloudError) -> TrackState? {
        let data = try await read { db in
            try Data.fetchOne(db, sql: """
                SELECT state FROM trackState WHERE siteID = ? AND agentID = ? AND camera = ? AND trackID = ?
                """, arguments: [key.siteID, key.agentID, key.camera, key.trackID])
        }
        return data.flatMap(TrackState.decoded)
    }

    public func expireTracks(updatedBefore before: Date, keepingAtMost: Int) async throws(CloudError) -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM trackState WHERE updatedAt < ?", arguments: [before])
            var removed = db.changesCount
            try db.execute(sql: """
                DELETE FROM trackState WHERE rowid IN
                  (SELECT rowid FROM trackState ORDER BY updatedAt DESC LIMIT -1 OFFSET ?)
                """, arguments: [max(0, keepingAtMost)])
            removed += db.changesCount
            return removed
        }
    }
}
