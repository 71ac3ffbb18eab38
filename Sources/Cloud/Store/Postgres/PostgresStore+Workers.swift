// Workers, enrollment photos and their deletion on PostgreSQL.
import Foundation
import PostgresNIO

extension PostgresStore {
    static func worker(_ row: PostgresRandomAccessRow) throws -> Worker {
        Worker(id: try row.value("id", as: Int64.self), name: try row.value("name"), createdAt: try row.value("created_at"))
    }

    static func photo(_ row: PostgresRandomAccessRow) throws -> EnrollmentPhoto {
        var photo = EnrollmentPhoto(id: try row.value("id", as: Int64.self), workerID: try row.value("worker_id"),
                                    file: try row.value("file"), embedding: [], quality: try row.value("quality"),
                                    createdAt: try row.value("created_at"))
        photo.embedding = try row.value("embedding", as: Data.self)
        return photo
    }

    /// Inserts an audit entry on a connection (inside the caller's transaction).
    static func insertAudit(_ entry: AuditEntry, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO audit_log (time, actor, action, subject, detail)
            VALUES (\(entry.time), \(entry.actor), \(entry.action), \(entry.subject), \(entry.detail))
            """, logger: logger)
    }

    public func createWorker(name: String, actor: String) async throws(CloudError) -> Worker {
        let logger = self.logger
        return try await transaction("create worker") { connection in
            let now = Date()
            let id = try await Self.rows(connection, """
                INSERT INTO worker (name, created_at) VALUES (\(name), \(now)) RETURNING id
                """, logger: logger) { try $0.value("id", as: Int64.self) }.first ?? 0
            try await Self.insertAudit(AuditEntry(actor: actor, action: "worker.create", subject: "worker:\(id)",
                                                  detail: AuditDetail.json(["name": name])),
                                       on: connection, logger: logger)
            return Worker(id: id, name: name, createdAt: now)
        }
    }

    public func worker(id: Int64) async throws(CloudError) -> Worker? {
        try await rows("worker", "SELECT * FROM worker WHERE id = \(id)", Self.worker).first
    }

    public func workers() async throws(CloudError) -> [Worker] {
        try await rows("workers", "SELECT * FROM worker ORDER BY id", Self.worker)
    }

    public func addPhoto(_ photo: EnrollmentPhoto, actor: String) async throws(CloudError) -> EnrollmentPhoto {
        let logger = self.logger
        return try await transaction("add photo") { connection in
            let exists = try await Self.rows(connection, "SELECT 1 AS one FROM worker WHERE id = \(photo.workerID) FOR UPDATE",
                                             logger: logger) { _ in true }
            guard !exists.isEmpty else {
                throw CloudError(.notFound, "no such worker", subject: "worker:\(photo.workerID)")
            }
            var stored = photo
            stored.id = try await Self.rows(connection, """
                INSERT INTO enrollment_photo (worker_id, file, embedding, quality, created_at)
                VALUES (\(photo.workerID), \(photo.file), \(photo.embedding), \(photo.quality), \(photo.createdAt))
                RETURNING id
                """, logger: logger) { try $0.value("id", as: Int64.self) }.first
            try await Self.insertAudit(AuditEntry(actor: actor, action: "photo.add", subject: "worker:\(photo.workerID)",
                                                  detail: AuditDetail.json(["photo": "\(stored.id ?? 0)"])),
                                       on: connection, logger: logger)
            return stored
        }
    }

    public func photos(workerID: Int64) async throws(CloudError) -> [EnrollmentPhoto] {
        try await rows("photos", "SELECT * FROM enrollment_photo WHERE worker_id = \(workerID) ORDER BY id", Self.photo)
    }

    public func photo(id: Int64) async throws(CloudError) -> EnrollmentPhoto? {
        try await rows("photo", "SELECT * FROM enrollment_photo WHERE id = \(id)", Self.photo).first
    }

    public func enrollmentEmbeddings() async throws(CloudError) -> [Int64: [[Float]]] {
        let pairs = try await rows("enrollment embeddings", "SELECT worker_id, embedding FROM enrollment_photo ORDER BY id") {
            (try $0.value("worker_id", as: Int64.self), EmbeddingCoding.decode(try $0.value("embedding", as: Data.self)))
        }
        var result: [Int64: [[Float]]] = [:]
        for (worker, vector) in pairs { result[worker, default: []].append(vector) }
        return result
    }

    public func deleteWorker(id: Int64, actor: String) async throws(CloudError) -> DeletedWorkerFiles {
        let logger = self.logger
        return try await transaction("delete worker \(id)") { connection in
            guard let worker = try await Self.rows(connection, "SELECT * FROM worker WHERE id = \(id) FOR UPDATE",
                                                   logger: logger, Self.worker).first else {
                throw CloudError(.notFound, "no such worker", subject: "worker:\(id)")
            }
            let photoFiles = try await Self.rows(connection, "SELECT file FROM enrollment_photo WHERE worker_id = \(id)",
                                                 logger: logger) { try $0.value("file", as: String.self) }
            let cropFiles = try await Self.rows(connection, """
                SELECT crop_file FROM detection WHERE worker_id = \(id) AND crop_file IS NOT NULL
                """, logger: logger) { try $0.value("crop_file", as: String.self) }
            let detections = try await Self.rows(connection, "SELECT COUNT(*) AS n FROM detection WHERE worker_id = \(id)",
                                                 logger: logger) { try $0.value("n", as: Int.self) }.first ?? 0
            try await connection.query("DELETE FROM worker WHERE id = \(id)", logger: logger)   // rows cascade
            // Tracks decided as them (their crops' embeddings) and the live events naming them go too.
            try await connection.query("DELETE FROM track_state WHERE worker_id = \(id)", logger: logger)
            try await connection.query("DELETE FROM live_event WHERE worker_id = \(id)", logger: logger)
            // Photos and crops kept in the database go in the same transaction.
            try await connection.query("DELETE FROM blob WHERE name = ANY(\(photoFiles + cropFiles))", logger: logger)
            try await Self.insertAudit(AuditEntry(actor: actor, action: "worker.delete", subject: "worker:\(id)",
                                                  detail: AuditDetail.json([
                                                      "name": worker.name, "photos": "\(photoFiles.count)",
                                                      "detections": "\(detections)", "crops": "\(cropFiles.count)",
                                                  ])), on: connection, logger: logger)
            return DeletedWorkerFiles(photoFiles: photoFiles, cropFiles: cropFiles)
        }
    }
}
