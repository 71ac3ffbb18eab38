// The default `Store`: one SQLite file through GRDB (WAL mode, migrations on open).
import Foundation
import GRDB

/// A `Store` kept in one SQLite file.
public final class SQLiteStore: Store {
    let pool: DatabasePool

    /// Opens (creating when absent) the database at `path` and applies pending migrations.
    public init(path: String) throws(CloudError) {
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            // Opening sets WAL mode, which takes the database lock outside the busy timeout; opening inside the
            // migration lock keeps processes opening one fresh file together from failing with "database is
            // locked".
            var opened: DatabasePool?
            try Self.holdingMigrationLock(database: path) {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Migrations.migrator.migrate(pool)
                opened = pool
            }
            guard let opened else { throw CloudError(.storage, "the database did not open", subject: path) }
            pool = opened
        } catch {
            throw CloudError(.storage, "cannot open database: \(error)", subject: path)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(CloudError) -> T {
        do {
            return try await pool.read(body)
        } catch let error as CloudError {
            throw error
        } catch {
            throw CloudError(.storage, "\(error)")
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(CloudError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as CloudError {
            throw error
        } catch {
            throw CloudError(.storage, "\(error)")
        }
    }

    // MARK: Sites and agents

    public func upsertSite(_ site: Site) async throws(CloudError) {
        try await write { db in
            if var existing = try Site.fetchOne(db, key: site.id) {
                existing.name = site.name
                existing.emotionEnabled = site.emotionEnabled
                try existing.update(db)
            } else {
                try site.insert(db)
            }
        }
    }

    public func sites() async throws(CloudError) -> [Site] {
        try await read { db in try Site.order(Column("id")).fetchAll(db) }
    }

    public func site(id: String) async throws(CloudError) -> Site? {
        try await read { db in try Site.fetchOne(db, key: id) }
    }

    public func recordAgentSeen(siteID: String, id: String, at: Date, status: String, framesPerSecond: Double?,
                                outboxDepth: Int?, outboxDropped: Int?) async throws(CloudError) {
        try await write { db in
            if try Site.fetchOne(db, key: siteID) == nil {
                try Site(id: siteID, name: siteID, emotionEnabled: false, createdAt: at).insert(db)
            }
            var agent = try AgentRecord.fetchOne(db, key: ["siteID": siteID, "id": id])
                ?? AgentRecord(id: id, siteID: siteID, lastSeen: at, status: status)
            agent.lastSeen = max(agent.lastSeen, at)
            agent.status = status
            if let framesPerSecond { agent.framesPerSecond = framesPerSecond }
            if let outboxDepth { agent.outboxDepth = outboxDepth }
            if let outboxDropped { agent.outboxDropped = outboxDropped }
            try agent.save(db)
            try Self.insertEvent(LiveEvent(name: "agent", encoding: agent), db)
        }
    }

    public func agents() async throws(CloudError) -> [AgentRecord] {
        try await read { db in try AgentRecord.order(Column("siteID"), Column("id")).fetchAll(db) }
    }

    public func agent(siteID: String, id: String) async throws(CloudError) -> AgentRecord? {
        try await read { db in try AgentRecord.fetchOne(db, key: ["siteID": siteID, "id": id]) }
    }

    public func recordGalleryAck(siteID: String, agentID: String, version: Int, at: Date) async throws(CloudError) {
        try await write { db in
            guard try GalleryVersion.fetchOne(db, key: version) != nil else {
                throw CloudError(.notFound, "no gallery version \(version)", subject: "agent \(siteID)/\(agentID)")
            }
            try GalleryAck(version: version, siteID: siteID, agentID: agentID, ackedAt: at).save(db)
            if var agent = try AgentRecord.fetchOne(db, key: ["siteID": siteID, "id": agentID]),
               (agent.galleryVersionAcked ?? 0) <= version {
                agent.galleryVersionAcked = version
                agent.galleryAckedAt = at
                try agent.update(db)
                try Self.insertEvent(LiveEvent(name: "agent", encoding: agent), db)
            }
        }
    }

    // MARK: Workers and enrollment

    public func createWorker(name: String, actor: String) async throws(CloudError) -> Worker {
        try await write { db in
            var worker = Worker(name: name)
            try worker.insert(db)
            var entry = AuditEntry(actor: actor, action: "worker.create", subject: "worker:\(worker.id ?? 0)",
                                   detail: AuditDetail.json(["name": name]))
            try entry.insert(db)
            return worker
        }
    }

    public func worker(id: Int64) async throws(CloudError) -> Worker? {
        try await read { db in try Worker.fetchOne(db, key: id) }
    }

    public func workers() async throws(CloudError) -> [Worker] {
        try await read { db in try Worker.order(Column("id")).fetchAll(db) }
    }

    public func addPhoto(_ photo: EnrollmentPhoto, actor: String) async throws(CloudError) -> EnrollmentPhoto {
        try await write { db in
            guard try Worker.fetchOne(db, key: photo.workerID) != nil else {
                throw CloudError(.notFound, "no such worker", subject: "worker:\(photo.workerID)")
            }
            var photo = photo
            try photo.insert(db)
            var entry = AuditEntry(actor: actor, action: "photo.add", subject: "worker:\(photo.workerID)",
                                   detail: AuditDetail.json(["photo": "\(photo.id ?? 0)"]))
            try entry.insert(db)
            return photo
        }
    }

    public func photos(workerID: Int64) async throws(CloudError) -> [EnrollmentPhoto] {
        try await read { db in
            try EnrollmentPhoto.filter(Column("workerID") == workerID).order(Column("id")).fetchAll(db)
        }
    }

    public func photo(id: Int64) async throws(CloudError) -> EnrollmentPhoto? {
        try await read { db in try EnrollmentPhoto.fetchOne(db, key: id) }
    }

    public func enrollmentEmbeddings() async throws(CloudError) -> [Int64: [[Float]]] {
        try await read { db in
            var result: [Int64: [[Float]]] = [:]
            for photo in try EnrollmentPhoto.order(Column("id")).fetchAll(db) {
                result[photo.workerID, default: []].append(photo.vector)
            }
            return result
        }
    }

    public func deleteWorker(id: Int64, actor: String) async throws(CloudError) -> DeletedWorkerFiles {
        try await write { db in
            guard let worker = try Worker.fetchOne(db, key: id) else {
                throw CloudError(.notFound, "no such worker", subject: "worker:\(id)")
            }
            let photoFiles = try String.fetchAll(db, sql: "SELECT file FROM enrollmentPhoto WHERE workerID = ?",
                                                 arguments: [id])
            let cropFiles = try String.fetchAll(
                db, sql: "SELECT cropFile FROM detection WHERE workerID = ? AND cropFile IS NOT NULL", arguments: [id])
            let detections = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM detection WHERE workerID = ?",
                                              arguments: [id]) ?? 0
            _ = try worker.delete(db)   // photos, embeddings and detections cascade
            // Tracks decided as them (their crops' embeddings) and the live events naming them go too.
            try db.execute(sql: "DELETE FROM trackState WHERE workerID = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM liveEvent WHERE workerID = ?", arguments: [id])
            var entry = AuditEntry(actor: actor, action: "worker.delete", subject: "worker:\(id)",
                                   detail: AuditDetail.json([
                                       "name": worker.name, "photos": "\(photoFiles.count)",
                                       "detections": "\(detections)", "crops": "\(cropFiles.count)",
                                   ]))
            try entry.insert(db)
            return DeletedWorkerFiles(photoFiles: photoFiles, cropFiles: cropFiles)
        }
    }

    // MARK: Gallery versions

    public func addGalleryVersion(after expected: Int?, reason: String, actor: String,
                                  build: @escaping @Sendable (Int) throws -> GalleryBuild)
        async throws(CloudError) -> GalleryVersion? {
        try await write { db in
            let last = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM galleryVersion") ?? 0
            if let expected, expected != last { return nil }
            let built = try build(last + 1)
            let version = GalleryVersion(version: last + 1, workerCount: built.workerCount, reason: reason, actor: actor,
                                         snapshot: built.snapshot)
            try version.insert(db)
            for (site, message) in built.siteMessages.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO siteGallery (version, siteID, message) VALUES (?, ?, ?)",
                               arguments: [version.version, site, message])
            }
            try Self.insertEvent(LiveEvent(name: "gallery", encoding: GalleryEvent(
                version: version.version, workerCount: version.workerCount, reason: reason)), db)
            return version
        }
    }

    public func markGalleryPublished(version: Int, at time: Date) async throws(CloudError) {
        try await write { db in
            try db.execute(sql: "UPDATE galleryVersion SET publishedAt = ? WHERE version <= ? AND publishedAt IS NULL",
                           arguments: [time, version])
        }
    }

    public func galleryVersions(limit: Int) async throws(CloudError) -> [GalleryVersion] {
        try await read { db in try GalleryVersion.order(Column("version").desc).limit(limit).fetchAll(db) }
    }

    public func latestGalleryVersion() async throws(CloudError) -> GalleryVersion? {
        try await read { db in try GalleryVersion.order(Column("version").desc).fetchOne(db) }
    }

    public func galleryAcks(version: Int) async throws(CloudError) -> [GalleryAck] {
        try await read { db in
            try GalleryAck.filter(Column("version") == version).order(Column("siteID"), Column("agentID")).fetchAll(db)
        }
    }

    // MARK: Detections

    public func insertDetection(_ detection: Detection) async throws(CloudError) -> Detection? {
        try await write { db in
            var detection = detection
            try detection.insert(db, onConflict: .ignore)
            return db.changesCount == 0 ? nil : detection
        }
    }

    public func cropAdmission(siteID: String, agentID: String,
                              messageID: UUID?) async throws(CloudError) -> CropAdmission {
        try await read { db in
            let duplicate = try messageID.map { id in
                try Detection.filter(Column("siteID") == siteID && Column("agentID") == agentID
                                     && Column("messageID") == id).fetchCount(db) > 0
            } ?? false
            return CropAdmission(
                duplicate: duplicate,
                agentKnown: try AgentRecord.fetchOne(db, key: ["siteID": siteID, "id": agentID]) != nil,
                emotionEnabled: try Site.fetchOne(db, key: siteID)?.emotionEnabled ?? false)
        }
    }

    public func detectionExists(siteID: String, agentID: String, messageID: UUID) async throws(CloudError) -> Bool {
        try await read { db in
            try Detection.filter(Column("siteID") == siteID && Column("agentID") == agentID
                                 && Column("messageID") == messageID).fetchCount(db) > 0
        }
    }

    public func reviseTrack(siteID: String, agentID: String, trackID: String, workerID: Int64?,
                            distance: Double?) async throws(CloudError) {
        try await write { db in
            try db.execute(sql: """
                UPDATE detection SET workerID = ?, distance = ? WHERE siteID = ? AND agentID = ? AND trackID = ?
                """, arguments: [workerID, distance, siteID, agentID, trackID])
        }
    }

    public func detections(_ filter: DetectionFilter, limit: Int,
                           cursor: Int64?) async throws(CloudError) -> Page<Detection> {
        try await read { db in
            var request = Detection.all()
            if let siteID = filter.siteID { request = request.filter(Column("siteID") == siteID) }
            if let camera = filter.camera { request = request.filter(Column("camera") == camera) }
            if let agentID = filter.agentID { request = request.filter(Column("agentID") == agentID) }
            if let trackID = filter.trackID { request = request.filter(Column("trackID") == trackID) }
            if let workerID = filter.workerID { request = request.filter(Column("workerID") == workerID) }
            if let unknown = filter.unknown {
                request = request.filter(unknown ? Column("workerID") == nil : Column("workerID") != nil)
            }
            if let from = filter.from { request = request.filter(Column("time") >= from) }
            if let until = filter.until { request = request.filter(Column("time") < until) }
            if let cursor { request = request.filter(Column("id") < cursor) }
            let rows = try request.order(Column("id").desc).limit(limit + 1).fetchAll(db)
            let items = Array(rows.prefix(limit))
            return Page(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
        }
    }

    public func detection(id: Int64) async throws(CloudError) -> Detection? {
        try await read { db in try Detection.fetchOne(db, key: id) }
    }

    public func unknownTracks(limit: Int) async throws(CloudError) -> [UnknownTrack] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT siteID, agentID, trackID, MIN(camera) AS camera, MIN(time) AS firstSeen,
                       MAX(time) AS lastSeen, COUNT(*) AS n,
                       (SELECT d2.cropFile FROM detection d2 WHERE d2.siteID = d.siteID AND d2.agentID = d.agentID
                          AND d2.trackID = d.trackID AND d2.cropFile IS NOT NULL ORDER BY d2.quality DESC LIMIT 1)
                         AS bestCrop
                FROM detection d WHERE workerID IS NULL
                GROUP BY siteID, agentID, trackID ORDER BY lastSeen DESC LIMIT ?
                """, arguments: [limit])
            return rows.map { row in
                UnknownTrack(agentID: row["agentID"], trackID: row["trackID"], siteID: row["siteID"],
                             camera: row["camera"], firstSeen: row["firstSeen"], lastSeen: row["lastSeen"],
                             detections: row["n"], bestCrop: row["bestCrop"])
            }
        }
    }

    public func expiredCrops(knownBefore: Date, unknownBefore: Date,
                             limit: Int) async throws(CloudError) -> [(Int64, String)] {
        let rows = try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, cropFile FROM detection WHERE cropFile IS NOT NULL AND
                  ((workerID IS NULL AND time < ?) OR (workerID IS NOT NULL AND time < ?))
                ORDER BY id LIMIT ?
                """, arguments: [unknownBefore, knownBefore, limit]).map { row in
                ExpiredCrop(id: row["id"], file: row["cropFile"])
            }
        }
        return rows.map { ($0.id, $0.file) }
    }

    public func clearCrops(detectionIDs: [Int64]) async throws(CloudError) {
        guard !detectionIDs.isEmpty else { return }
        _ = try await write { db in
            try Detection.filter(keys: detectionIDs).updateAll(db, Column("cropFile").set(to: nil))
        }
    }

    // MARK: Jobs

    /// One process per SQLite file is the supported deployment; a sweep run twice is harmless (idempotent).
    public func exclusively(_ job: String,
                            _ body: @escaping @Sendable () async throws -> Int) async throws(CloudError) -> Int? {
        do {
            return try await body()
        } catch let error as CloudError {
            throw error
        } catch {
            throw CloudError(.storage, "\(job): \(error)")
        }
    }

    // MARK: Tokens and audit

    public func insertToken(name: String, role: Role, secretHash: String) async throws(CloudError) -> APIToken {
        try await write { db in
            var token = APIToken(id: nil, name: name, role: role, secretHash: secretHash, createdAt: Date(),
                                 revokedAt: nil)
            try token.insert(db)
            var entry = AuditEntry(actor: "cli", action: "token.create", subject: "token:\(token.id ?? 0)",
                                   detail: AuditDetail.json(["name": name, "role": role.rawValue]))
            try entry.insert(db)
            return token
        }
    }

    public func token(secretHash: String) async throws(CloudError) -> APIToken? {
        try await read { db in
            try APIToken.filter(Column("secretHash") == secretHash && Column("revokedAt") == nil).fetchOne(db)
        }
    }

    public func audit(_ entry: AuditEntry) async throws(CloudError) {
        try await write { db in
            var entry = entry
            try entry.insert(db)
        }
    }

    public func auditLog(limit: Int) async throws(CloudError) -> [AuditEntry] {
        try await read { db in try AuditEntry.order(Column("id").desc).limit(limit).fetchAll(db) }
    }
}

private struct ExpiredCrop: Sendable {
    var id: Int64
    var file: String
}
