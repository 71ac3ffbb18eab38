// Detections, unknown tracks and crop retention on PostgreSQL.
import Foundation
import PostgresNIO

extension PostgresStore {
    static func detection(_ row: PostgresRandomAccessRow) throws -> Detection {
        Detection(id: try row.value("id", as: Int64.self), time: try row.value("time"), siteID: try row.value("site_id"),
                  agentID: try row.value("agent_id"), camera: try row.value("camera"), trackID: try row.value("track_id"),
                  workerID: try row.value("worker_id", as: Int64?.self), distance: try row.value("distance"),
                  emotion: try row.value("emotion"), emotionScore: try row.value("emotion_score"),
                  quality: try row.value("quality"), cropFile: try row.value("crop_file"),
                  storedAt: try row.value("stored_at"), privacy: try row.value("privacy"),
                  cropEmotion: try row.value("crop_emotion"), cropEmotionScore: try row.value("crop_emotion_score"),
                  messageID: try row.value("message_id", as: UUID?.self),
                  edgeWorkerID: try row.value("edge_worker_id", as: Int64?.self),
                  edgeDistance: try row.value("edge_distance", as: Double?.self),
                  edgeGalleryVersion: try row.value("edge_gallery_version", as: Int?.self),
                  edgeAgreement: try row.value("edge_agreement", as: String?.self).flatMap(EdgeAgreement.init(rawValue:)))
    }

    /// Inserts a detection on a connection; nil when its (site, agent, message id) is stored already.
    static func insertDetection(_ detection: Detection, on connection: PostgresConnection,
                                logger: Logger) async throws -> Detection? {
        let d = detection
        let ids = try await rows(connection, """
            INSERT INTO detection (time, site_id, agent_id, camera, track_id, worker_id, distance, emotion,
              emotion_score, quality, crop_file, stored_at, privacy, crop_emotion, crop_emotion_score, message_id,
              edge_worker_id, edge_distance, edge_gallery_version, edge_agreement)
            VALUES (\(d.time), \(d.siteID), \(d.agentID), \(d.camera), \(d.trackID), \(d.workerID), \(d.distance),
              \(d.emotion), \(d.emotionScore), \(d.quality), \(d.cropFile), \(d.storedAt), \(d.privacy),
              \(d.cropEmotion), \(d.cropEmotionScore), \(d.messageID), \(d.edgeWorkerID), \(d.edgeDistance),
              \(d.edgeGalleryVersion), \(d.edgeAgreement?.rawValue))
            ON CONFLICT (site_id, agent_id, message_id) DO NOTHING
            RETURNING id
            """, logger: logger) { try $0.value("id", as: Int64.self) }
        guard let id = ids.first else { return nil }
        var stored = detection
        stored.id = id
        return stored
    }

    public func insertDetection(_ detection: Detection) async throws(CloudError) -> Detection? {
        let logger = self.logger
        return try await perform("insert detection") { client in
            try await client.withConnection { connection in
                try await Self.insertDetection(detection, on: connection, logger: logger)
            }
        }
    }

    public func cropAdmission(siteID: String, agentID: String,
                              messageID: UUID?) async throws(CloudError) -> CropAdmission {
        try await rows("crop admission", """
            SELECT EXISTS (SELECT 1 FROM detection WHERE site_id = \(siteID) AND agent_id = \(agentID)
                             AND message_id = \(messageID)) AS duplicate,
                   EXISTS (SELECT 1 FROM agent WHERE site_id = \(siteID) AND id = \(agentID)) AS agent_known,
                   COALESCE((SELECT emotion_enabled FROM site WHERE id = \(siteID)), FALSE) AS emotion_enabled
            """) { row in
            CropAdmission(duplicate: try row.value("duplicate"), agentKnown: try row.value("agent_known"),
                          emotionEnabled: try row.value("emotion_enabled"))
        }.first ?? CropAdmission(duplicate: false, agentKnown: false, emotionEnabled: false)
    }

    public func detectionExists(siteID: String, agentID: String, messageID: UUID) async throws(CloudError) -> Bool {
        try await !rows("detection exists", """
            SELECT 1 AS one FROM detection
            WHERE site_id = \(siteID) AND agent_id = \(agentID) AND message_id = \(messageID)
            """) { _ in true }.isEmpty
    }

    public func reviseTrack(siteID: String, agentID: String, trackID: String, workerID: Int64?,
                            distance: Double?) async throws(CloudError) {
        _ = try await rows("revise track", """
            UPDATE detection SET worker_id = \(workerID), distance = \(distance)
            WHERE site_id = \(siteID) AND agent_id = \(agentID) AND track_id = \(trackID)
            """) { _ in () }
    }

    public func detections(_ filter: DetectionFilter, limit: Int,
                           cursor: Int64?) async throws(CloudError) -> Page<Detection> {
        // Each condition is bound; an absent one compares NULL and is skipped.
        let unknown = filter.unknown
        let rows = try await rows("detections", """
            SELECT * FROM detection WHERE
              (\(filter.siteID)::TEXT IS NULL OR site_id = \(filter.siteID)) AND
              (\(filter.camera)::TEXT IS NULL OR camera = \(filter.camera)) AND
              (\(filter.agentID)::TEXT IS NULL OR agent_id = \(filter.agentID)) AND
              (\(filter.trackID)::TEXT IS NULL OR track_id = \(filter.trackID)) AND
              (\(filter.workerID)::BIGINT IS NULL OR worker_id = \(filter.workerID)) AND
              (\(unknown)::BOOLEAN IS NULL OR (worker_id IS NULL) = \(unknown)) AND
              (\(filter.from)::TIMESTAMPTZ IS NULL OR time >= \(filter.from)) AND
              (\(filter.until)::TIMESTAMPTZ IS NULL OR time < \(filter.until)) AND
              (\(cursor)::BIGINT IS NULL OR id < \(cursor))
            ORDER BY id DESC LIMIT \(limit + 1)
            """, Self.detection)
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
    }

    public func detection(id: Int64) async throws(CloudError) -> Detection? {
        try await rows("detection", "SELECT * FROM detection WHERE id = \(id)", Self.detection).first
    }

    public func unknownTracks(limit: Int) async throws(CloudError) -> [UnknownTrack] {
        try await rows("unknown tracks", """
            SELECT site_id, agent_id, track_id, MIN(camera) AS camera, MIN(time) AS first_seen, MAX(time) AS last_seen,
                   COUNT(*) AS n,
                   (SELECT d2.crop_file FROM detection d2 WHERE d2.site_id = d.site_id AND d2.agent_id = d.agent_id
                      AND d2.track_id = d.track_id AND d2.crop_file IS NOT NULL ORDER BY d2.quality DESC LIMIT 1)
                     AS best_crop
            FROM detection d WHERE worker_id IS NULL
            GROUP BY site_id, agent_id, track_id ORDER BY last_seen DESC LIMIT \(limit)
            """) { row in
            UnknownTrack(agentID: try row.value("agent_id"), trackID: try row.value("track_id"),
                         siteID: try row.value("site_id"), camera: try row.value("camera"),
                         firstSeen: try row.value("first_seen"), lastSeen: try row.value("last_seen"),
                         detections: try row.value("n", as: Int.self), bestCrop: try row.value("best_crop"))
        }
    }

    public func expiredCrops(knownBefore: Date, unknownBefore: Date,
                             limit: Int) async throws(CloudError) -> [(Int64, String)] {
        let pairs = try await rows("expired crops", """
            SELECT id, crop_file FROM detection WHERE crop_file IS NOT NULL AND
              ((worker_id IS NULL AND time < \(unknownBefore)) OR (worker_id IS NOT NULL AND time < \(knownBefore)))
            ORDER BY id LIMIT \(limit)
            """) { row in ExpiredCropRow(id: try row.value("id"), file: try row.value("crop_file")) }
        return pairs.map { ($0.id, $0.file) }
    }

    public func clearCrops(detectionIDs: [Int64]) async throws(CloudError) {
        guard !detectionIDs.isEmpty else { return }
        _ = try await rows("clear crops", "UPDATE detection SET crop_file = NULL WHERE id = ANY(\(detectionIDs))") { _ in () }
    }
}

private struct ExpiredCropRow: Sendable {
    var id: Int64
    var file: String
}
