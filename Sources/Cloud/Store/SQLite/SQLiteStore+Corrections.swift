// Detection embeddings and "not this worker" corrections in SQLite.
import Foundation
import GRDB

extension SQLiteStore {
    public func saveDetectionEmbedding(detectionID: Int64, embedding: [Float]) async throws(CloudError) {
        try await write { db in try Self.saveDetectionEmbedding(detectionID: detectionID, embedding: embedding, db) }
    }

    /// Keeps a detection's embedding in the caller's transaction.
    static func saveDetectionEmbedding(detectionID: Int64, embedding: [Float], _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO detectionEmbedding (detectionID, embedding) VALUES (?, ?)
            ON CONFLICT (detectionID) DO UPDATE SET embedding = excluded.embedding
            """, arguments: [detectionID, EmbeddingCoding.encode(embedding)])
    }

    public func trackFaces(siteID: String, agentID: String, trackID: String) async throws(CloudError) -> [DetectionFace] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.id, d.quality, e.embedding FROM detection d JOIN detectionEmbedding e ON e.detectionID = d.id
                WHERE d.siteID = ? AND d.agentID = ? AND d.trackID = ? ORDER BY d.id
                """, arguments: [siteID, agentID, trackID]).map { row in
                DetectionFace(detectionID: row["id"], embedding: EmbeddingCoding.decode(row["embedding"]),
                              quality: row["quality"])
            }
        }
    }

    public func detectionEmbedding(id: Int64) async throws(CloudError) -> [Float]? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT embedding FROM detectionEmbedding WHERE detectionID = ?", arguments: [id])
                .map(EmbeddingCoding.decode)
        }
    }

    public func reviseDetection(id: Int64, workerID: Int64?, distance: Double?) async throws(CloudError) {
        try await write { db in
            try db.execute(sql: "UPDATE detection SET workerID = ?, distance = ? WHERE id = ?", arguments: [workerID, distance, id])
        }
    }

    public func storeRedecision(_ redecision: CorrectionRedecision?, event: LiveEvent) async throws(CloudError) {
        try await write { db in
            if let r = redecision, let track = r.track {
                try db.execute(sql: """
                    UPDATE detection SET workerID = ?, distance = ? WHERE siteID = ? AND agentID = ? AND trackID = ?
                    """, arguments: [track.workerID, track.distance, r.siteID, r.agentID, r.trackID])
            }
            if let r = redecision, let id = r.detectionID, let own = r.detection {
                try db.execute(sql: "UPDATE detection SET workerID = ?, distance = ? WHERE id = ?",
                               arguments: [own.workerID, own.distance, id])
            }
            try Self.insertEvent(event, db)
        }
    }

    static func negative(_ row: Row) -> WorkerNegative {
        WorkerNegative(id: row["id"], workerID: row["workerID"], detectionID: row["detectionID"],
                       embedding: EmbeddingCoding.decode(row["embedding"]), actor: row["actor"],
                       createdAt: row["createdAt"], undoneAt: row["undoneAt"], undoneBy: row["undoneBy"])
    }

    public func addNegative(_ negative: WorkerNegative) async throws(CloudError) -> WorkerNegative {
        try await write { db in
            guard try Worker.fetchOne(db, key: negative.workerID) != nil else {
                throw CloudError(.notFound, "no such worker", subject: "worker:\(negative.workerID)")
            }
            try db.execute(sql: """
                INSERT INTO workerNegative (workerID, detectionID, embedding, actor, createdAt) VALUES (?, ?, ?, ?, ?)
                """, arguments: [negative.workerID, negative.detectionID, EmbeddingCoding.encode(negative.embedding),
                                 negative.actor, negative.createdAt])
            var stored = negative
            stored.id = db.lastInsertedRowID
            var entry = AuditEntry(actor: negative.actor, action: "detection.not_this_worker",
                                   subject: "detection:\(negative.detectionID)",
                                   detail: AuditDetail.json(["worker": "\(negative.workerID)",
                                                             "correction": "\(db.lastInsertedRowID)"]))
            try entry.insert(db)
            return stored
        }
    }

    public func undoNegative(id: Int64, actor: String, at time: Date) async throws(CloudError) -> WorkerNegative {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM workerNegative WHERE id = ?", arguments: [id]) else {
                throw CloudError(.notFound, "no such correction", subject: "correction:\(id)")
            }
            var negative = Self.negative(row)
            guard negative.undoneAt == nil else {
                throw CloudError(.badRequest, "the correction was undone already", subject: "correction:\(id)")
            }
            try db.execute(sql: "UPDATE workerNegative SET undoneAt = ?, undoneBy = ? WHERE id = ?",
                           arguments: [time, actor, id])
            negative.undoneAt = time
            negative.undoneBy = actor
            var entry = AuditEntry(actor: actor, action: "detection.not_this_worker.undo",
                                   subject: "detection:\(negative.detectionID)",
                                   detail: AuditDetail.json(["worker": "\(negative.workerID)", "correction": "\(id)"]))
            try entry.insert(db)
            return negative
        }
    }

    public func negative(id: Int64) async throws(CloudError) -> WorkerNegative? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workerNegative WHERE id = ?", arguments: [id]).map(Self.negative)
        }
    }

    public func negatives(workerID: Int64?, includeUndone: Bool, limit: Int) async throws(CloudError) -> [WorkerNegative] {
        try await read { db in
            var sql = "SELECT * FROM workerNegative WHERE 1 = 1"
            var arguments = StatementArguments()
            if let workerID {
                sql += " AND workerID = ?"
                arguments += [workerID]
            }
            if !includeUndone { sql += " AND undoneAt IS NULL" }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.negative)
        }
    }

    public func activeNegativeEmbeddings() async throws(CloudError) -> [Int64: [[Float]]] {
        try await read { db in
            var result = [Int64: [[Float]]]()
            for row in try Row.fetchAll(db, sql: "SELECT workerID, embedding FROM workerNegative WHERE undoneAt IS NULL ORDER BY id") {
                result[row["workerID"], default: []].append(EmbeddingCoding.decode(row["embedding"]))
            }
            return result
        }
    }
}

extension SQLiteStore {
    public func attendanceSightings(in instants: DateInterval, siteID: String?,
                                    workerID: Int64?) async throws(CloudError) -> [AttendanceSighting] {
        try await read { db in
            var sql = """
                SELECT workerID, siteID, camera, agentID, trackID, time FROM detection
                WHERE workerID IS NOT NULL AND time >= ? AND time < ?
                """
            var arguments: StatementArguments = [instants.start, instants.end]
            if let siteID {
                sql += " AND siteID = ?"
                arguments += [siteID]
            }
            if let workerID {
                sql += " AND workerID = ?"
                arguments += [workerID]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let agent: String = row["agentID"], track: String = row["trackID"]
                return AttendanceSighting(workerID: row["workerID"], siteID: row["siteID"], camera: row["camera"],
                                          track: "\(agent)/\(track)", time: row["time"])
            }
        }
    }
}
