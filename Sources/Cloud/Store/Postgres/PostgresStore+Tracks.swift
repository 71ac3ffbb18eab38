// Tracks' shared state on PostgreSQL: a crop's decision is taken with its track's row locked (the upsert's row
// lock) in the transaction that stores its detection, so aggregators deciding crops of one track take turns.
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Four round trips and one commit per crop: BEGIN; the track locked (created when new) with the duplicate
    /// and gallery checks and the detection's id drawn; `request.decide` here; everything the decision stores in
    /// one statement, which checks the message and the gallery again under the lock; COMMIT.
    public func storeDecision(_ request: DecisionRequest) async throws(CloudError) -> DecisionOutcome {
        let logger = self.logger
        let key = request.track
        return try await perform("store decision for track \(key.siteID)/\(key.agentID)/\(key.trackID)") { client in
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await Self.storeDecision(request, on: connection, logger: logger)
                }
            } catch let error as PostgresTransactionError {
                // Nothing stored (rolled back): the answer is the outcome that was found.
                if let found = error.closureError as? DecisionRolledBack, error.rollbackError == nil { return found.outcome }
                if let refusal = error.closureError as? CloudError { throw refusal }
                throw error
            }
        }
    }

    /// `storeDecision`'s statements on a connection in a transaction.
    private static func storeDecision(_ request: DecisionRequest, on connection: PostgresConnection,
                                      logger: Logger) async throws -> DecisionOutcome {
        let key = request.track
        let now = Date()
        // Locks the track's row, creating it when new (a second process creating it at the same moment waits
        // for the first to commit, then updates the committed row): the upsert returns it locked. The checks
        // read the statement's snapshot, taken before any wait for the lock; the second statement checks again.
        let first = try await rows(connection, """
            WITH locked AS (
              INSERT INTO track_state (site_id, agent_id, camera, track_id, state, worker_id, last_seen, updated_at)
              VALUES (\(key.siteID), \(key.agentID), \(key.camera), \(key.trackID), NULL, NULL, \(now), \(now))
              ON CONFLICT (site_id, agent_id, camera, track_id) DO UPDATE SET updated_at = track_state.updated_at
              RETURNING state)
            SELECT (SELECT state FROM locked) AS state,
                   EXISTS (SELECT 1 FROM detection WHERE site_id = \(key.siteID) AND agent_id = \(key.agentID)
                             AND message_id = \(request.messageID)) AS duplicate,
                   (SELECT COALESCE(MAX(version), 0) FROM gallery_version) AS latest,
                   nextval(pg_get_serial_sequence('detection', 'id')) AS next_id
            """, logger: logger) { row in
            LockedTrack(state: try row.value("state", as: Data?.self), duplicate: try row.value("duplicate"),
                        latest: try row.value("latest", as: Int.self), nextID: try row.value("next_id", as: Int64.self))
        }
        guard let locked = first.first else { throw CloudError(.storage, "the track's row was not returned") }
        if locked.duplicate { return .duplicate }
        guard locked.latest == request.galleryVersion else { return .galleryChanged(latest: locked.latest) }
        let decision = try request.decide(locked.state.flatMap(TrackState.decoded))
        var detection = decision.detection
        detection.id = locked.nextID
        let event = request.event(detection, decision)
        let state = try decision.state.encoded()
        let d = detection, revision = decision.revision
        let embedding = request.embedding.map(EmbeddingCoding.encode)
        let blobName = request.blob?.name, blobBytes = request.blob.map { Data($0.bytes) }
        // Data-modifying parts of one statement see one snapshot (taken with the track locked) and run whatever
        // the select reads; each writes only when the detection was inserted, which it is only when the gallery
        // is still the request's and the message is not stored (the unique key). The NOTIFY is sent on commit.
        let second = try await rows(connection, """
            WITH latest AS (SELECT COALESCE(MAX(version), 0) AS version FROM gallery_version),
            inserted AS (
              INSERT INTO detection (id, time, site_id, agent_id, camera, track_id, worker_id, distance, emotion,
                emotion_score, quality, crop_file, stored_at, privacy, crop_emotion, crop_emotion_score, message_id,
                edge_worker_id, edge_distance, edge_gallery_version, edge_agreement)
              SELECT \(locked.nextID), \(d.time), \(d.siteID), \(d.agentID), \(d.camera), \(d.trackID), \(d.workerID),
                \(d.distance), \(d.emotion), \(d.emotionScore), \(d.quality), \(d.cropFile), \(d.storedAt), \(d.privacy),
                \(d.cropEmotion), \(d.cropEmotionScore), \(d.messageID), \(d.edgeWorkerID), \(d.edgeDistance),
                \(d.edgeGalleryVersion), \(d.edgeAgreement?.rawValue)
              FROM latest WHERE latest.version = \(request.galleryVersion)
              ON CONFLICT (site_id, agent_id, message_id) DO NOTHING
              RETURNING id),
            revised AS (
              UPDATE detection SET worker_id = \(revision?.workerID), distance = \(revision?.distance)
              WHERE \(revision != nil) AND site_id = \(key.siteID) AND agent_id = \(key.agentID)
                AND camera = \(key.camera) AND track_id = \(key.trackID) AND EXISTS (SELECT 1 FROM inserted)),
            track AS (
              UPDATE track_state SET state = \(state), worker_id = \(decision.state.decision?.workerID),
                last_seen = \(decision.state.lastSeen), updated_at = \(now)
              WHERE site_id = \(key.siteID) AND agent_id = \(key.agentID) AND camera = \(key.camera)
                AND track_id = \(key.trackID) AND EXISTS (SELECT 1 FROM inserted)),
            kept AS (
              INSERT INTO detection_embedding (detection_id, embedding)
              SELECT id, \(embedding) FROM inserted WHERE \(embedding)::BYTEA IS NOT NULL),
            crop AS (
              INSERT INTO blob (name, bytes, created_at)
              SELECT \(blobName), \(blobBytes), \(now) FROM inserted WHERE \(blobName)::TEXT IS NOT NULL),
            event AS (
              INSERT INTO live_event (kind, data, worker_id)
              SELECT \(event.name), \(event.data), \(event.workerID) FROM inserted)
            SELECT (SELECT version FROM latest) AS latest, (SELECT id FROM inserted) AS id,
                   pg_notify(\(liveChannel), '')::TEXT AS notified
            """, logger: logger) { row in
            (try row.value("latest", as: Int.self), try row.value("id", as: Int64?.self))
        }
        guard let (latest, id) = second.first else { throw CloudError(.storage, "the stored decision was not returned") }
        // A newer gallery, or another delivery of the message, committed while this one waited for the lock:
        // nothing of this decision is kept.
        guard latest == request.galleryVersion else { throw DecisionRolledBack(outcome: .galleryChanged(latest: latest)) }
        guard id != nil else { throw DecisionRolledBack(outcome: .duplicate) }
        return .stored(detection, decision)
    }

    public func trackState(_ key: TrackKey) async throws(CloudError) -> TrackState? {
        try await rows("track state", """
            SELECT state FROM track_state WHERE site_id = \(key.siteID) AND agent_id = \(key.agentID)
              AND camera = \(key.camera) AND track_id = \(key.trackID)
            """) { try $0.value("state", as: Data?.self) }.first.flatMap { $0 }.flatMap(TrackState.decoded)
    }

    public func expireTracks(updatedBefore before: Date, keepingAtMost: Int) async throws(CloudError) -> Int {
        try await expireRows("expire tracks", table: "track_state", timeColumn: "updated_at", key: "ctid",
                             newestFirst: "updated_at DESC", before: before, keepingAtMost: keepingAtMost)
    }
}

/// The track's row as the first statement of `storeDecision` returns it.
private struct LockedTrack {
    var state: Data?
    var duplicate: Bool
    var latest: Int
    var nextID: Int64
}

/// Rolls `storeDecision`'s transaction back with the outcome found by its second statement.
private struct DecisionRolledBack: Error {
    let outcome: DecisionOutcome
}
