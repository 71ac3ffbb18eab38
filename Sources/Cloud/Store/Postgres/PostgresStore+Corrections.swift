// Detection embeddings, "not this worker" corrections and attendance sightings on PostgreSQL.
import Foundation
import PostgresNIO

extension PostgresStore {
    public func saveDetectionEmbedding(detectionID: Int64, embedding: [Float]) async throws(CloudError) {
        let bytes = EmbeddingCoding.encode(embedding), logger = self.logger
        try await perform("save detection embedding") { client in
            try await client.query("""
                INSERT INTO detection_embedding (detection_id, embedding) VALUES (\(detectionID), \(bytes))
                ON CONFLICT (detection_id) DO UPDATE SET embedding = EXCLUDED.embedding
                """, logger: logger)
        }
    }

    public func trackFaces(siteID: String, agentID: String, trackID: String) async throws(CloudError) -> [DetectionFace] {
        try await rows("track faces", """
            SELECT d.id, d.quality, e.embedding FROM detection d JOIN detection_embedding e ON e.detection_id = d.id
            WHERE d.site_id = \(siteID) AND d.agent_id = \(agentID) AND d.track_id = \(trackID) ORDER BY d.id
            """) { row in
            DetectionFace(detectionID: try row.value("id"), embedding: EmbeddingCoding.decode(try row.value("embedding", as: Data.self)),
                          quality: try row.value("quality"))
        }
    }

    public func detectionEmbedding(id: Int64) async throws(CloudError) -> [Float]? {
        try await rows("detection embedding", "SELECT embedding FROM detection_embedding WHERE detection_id = \(id)") {
            EmbeddingCoding.decode(try $0.value("embedding", as: Data.self))
        }.first
    }

    public func reviseDetection(id: Int64, workerID: Int64?, distance: Double?) async throws(CloudError) {
        _ = try await rows("revise detection",
                           "UPDATE detection SET worker_id = \(workerID), distance = \(distance) WHERE id = \(id)") { _ in () }
    }

    public func storeRedecision(_ redecision: CorrectionRedecision?, event: LiveEvent) async throws(CloudError) {
        let logger = self.logger
        try await transaction("store a correction's re-decision") { connection in
            if let r = redecision, let track = r.track {
                try await connection.query("""
                    UPDATE detection SET worker_id = \(track.workerID), distance = \(track.distance)
                    WHERE site_id = \(r.siteID) AND agent_id = \(r.agentID) AND track_id = \(r.trackID)
                    """, logger: logger)
            }
            if let r = redecision, let id = r.detectionID, let own = r.detection {
                try await connection.query("""
                    UPDATE detection SET worker_id = \(own.workerID), distance = \(own.distance) WHERE id = \(id)
                    """, logger: logger)
            }
            try await Self.insertEvent(event, on: connection, logger: logger)
        }
    }

    static func negative(_ row: PostgresRandomAccessRow) throws -> WorkerNegative {
        WorkerNegative(id: try row.value("id", as: Int64.self), workerID: try row.value("worker_id"),
                       detectionID: try row.value("detection_id"),
                       embedding: EmbeddingCoding.decode(try row.value("embedding", as: Data.self)),
                       actor: try row.value("actor"), createdAt: try row.value("created_at"),
                       undoneAt: try row.value("undone_at", as: Date?.self), undoneBy: try row.value("undone_by", as: String?.self))
    }

    public func addNegative(_ negative: WorkerNegative) async throws(CloudError) -> WorkerNegative {
        let logger = self.logger
        return try await transaction("add correction") { connection in
            let found = try await Self.rows(connection, "SELECT 1 AS one FROM worker WHERE id = \(negative.workerID) FOR UPDATE",
                                            logger: logger) { _ in true }
            guard !found.isEmpty else { throw CloudError(.notFound, "no such worker", subject: "worker:\(negative.workerID)") }
            let bytes = EmbeddingCoding.encode(negative.embedding)
            let id = try await Self.rows(connection, """
                INSERT INTO worker_negative (worker_id, detection_id, embedding, actor, created_at)
                VALUES (\(negative.workerID), \(negative.detectionID), \(bytes), \(negative.actor), \(negative.createdAt))
                RETURNING id
                """, logger: logger) { try $0.value("id", as: Int64.self) }.first ?? 0
            try await Self.insertAudit(AuditEntry(actor: negative.actor, action: "detection.not_this_worker",
                                                  subject: "detection:\(negative.detectionID)",
                                                  detail: AuditDetail.json(["worker": "\(negative.workerID)", "correction": "\(id)"])),
                                       on: connection, logger: logger)
            var stored = negative
            stored.id = id
            return stored
        }
    }

    public func undoNegative(id: Int64, actor: String, at time: Date) async throws(CloudError) -> WorkerNegative {
        let logger = self.logger
        return try await transaction("undo correction") { connection in
            guard var negative = try await Self.rows(connection, "SELECT * FROM worker_negative WHERE id = \(id) FOR UPDATE",
                                                     logger: logger, Self.negative).first else {
                throw CloudError(.notFound, "no such correction", subject: "correction:\(id)")
            }
            guard negative.undoneAt == nil else {
                throw CloudError(.badRequest, "the correction was undone already", subject: "correction:\(id)")
            }
            try await connection.query("UPDATE worker_negative SET undone_at = \(time), undone_by = \(actor) WHERE id = \(id)",
                                       logger: logger)
            negative.undoneAt = time
            negative.undoneBy = actor
            try await Self.insertAudit(AuditEntry(actor: actor, action: "detection.not_this_worker.undo",
                                                  subject: "detection:\(negative.detectionID)",
                                                  detail: AuditDetail.json(["worker": "\(negative.workerID)", "correction": "\(id)"])),
                                       on: connection, logger: logger)
            return negative
        }
    }

    public func negative(id: Int64) async throws(CloudError) -> WorkerNegative? {
        try await rows("correction", "SELECT * FROM worker_negative WHERE id = \(id)", Self.negative).first
    }

    public func negatives(workerID: Int64?, includeUndone: Bool, limit: Int) async throws(CloudError) -> [WorkerNegative] {
        try await rows("corrections", """
            SELECT * FROM worker_negative
            WHERE (\(workerID)::BIGINT IS NULL OR worker_id = \(workerID)) AND (\(includeUndone) OR undone_at IS NULL)
            ORDER BY id DESC LIMIT \(limit)
            """, Self.negative)
    }

    public func activeNegativeEmbeddings() async throws(CloudError) -> [Int64: [[Float]]] {
        let pairs = try await rows("correction embeddings",
                                   "SELECT worker_id, embedding FROM worker_negative WHERE undone_at IS NULL ORDER BY id") { row in
            (try row.value("worker_id", as: Int64.self), EmbeddingCoding.decode(try row.value("embedding", as: Data.self)))
        }
        var result = [Int64: [[Float]]]()
        for (worker, embedding) in pairs { result[worker, default: []].append(embedding) }
        return result
    }
}

extension PostgresStore {
    public func attendanceSightings(in instants: DateInterval, siteID: String?,
                                    workerID: Int64?) async throws(CloudError) -> [AttendanceSighting] {
        try await rows("attendance sightings", """
            SELECT worker_id, site_id, camera, agent_id, track_id, time FROM detection
            WHERE worker_id IS NOT NULL AND time >= \(instants.start) AND time < \(instants.end)
              AND (\(siteID)::TEXT IS NULL OR site_id = \(siteID)) AND (\(workerID)::BIGINT IS NULL OR worker_id = \(workerID))
            """) { row in
            let agent: String = try row.value("agent_id"), track: String = try row.value("track_id")
            return AttendanceSighting(workerID: try row.value("worker_id"), siteID: try row.value("site_id"),
                                      camera: try row.value("camera"), track: "\(agent)/\(track)", time: try row.value("time"))
        }
    }
}
