// Recurring unknown people in SQLite.
import FaceRecognition
import Foundation
import GRDB

extension SQLiteStore {
    static func state(_ db: Database, _ name: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM featureState WHERE name = ?", arguments: [name]) ?? 0
    }

    static func setState(_ db: Database, _ name: String, _ value: Int64) throws {
        try db.execute(sql: """
            INSERT INTO featureState (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value
            """, arguments: [name, value])
    }

    /// Bumps the clustering revision; with `expected`, first checks nobody else changed it.
    static func bumpRevision(_ db: Database, expected: Int64?) throws -> Int64 {
        let current = try state(db, "clustering.revision")
        if let expected, expected != current {
            throw CloudError(.conflict, "the unknown people changed meanwhile (revision \(current), expected \(expected))",
                             subject: "clustering")
        }
        try setState(db, "clustering.revision", current + 1)
        return current + 1
    }

    public func clusteringProgress() async throws(CloudError) -> ClusteringProgress {
        try await read { db in
            ClusteringProgress(cursor: try Self.state(db, "clustering.cursor"), revision: try Self.state(db, "clustering.revision"))
        }
    }

    public func pendingUnknownFaces(after: Int64, limit: Int) async throws(CloudError) -> [PendingUnknownFace] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.id, d.siteID, d.agentID, d.trackID, d.camera, d.time, e.embedding
                FROM detection d JOIN detectionEmbedding e ON e.detectionID = d.id
                WHERE d.id > ? AND d.workerID IS NULL ORDER BY d.id LIMIT ?
                """, arguments: [after, limit]).map { row in
                PendingUnknownFace(detectionID: row["id"],
                                   track: TrackRef(siteID: row["siteID"], agentID: row["agentID"], trackID: row["trackID"]),
                                   camera: row["camera"], time: row["time"], embedding: EmbeddingCoding.decode(row["embedding"]))
            }
        }
    }

    public func trackClusters() async throws(CloudError) -> [TrackCluster] {
        let rows = try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.siteID, s.agentID, s.trackID, s.personID, s.memberCount, s.sum, s.sumOfSquaredNorms, p.status
                FROM unknownSighting s JOIN unknownPerson p ON p.id = s.personID
                WHERE p.status != 'enrolled' ORDER BY s.personID
                """).map { row -> (TrackRef, Int64, Int, Data, Double, String) in
                (TrackRef(siteID: row["siteID"], agentID: row["agentID"], trackID: row["trackID"]), row["personID"],
                 row["memberCount"], row["sum"], row["sumOfSquaredNorms"], row["status"])
            }
        }
        var clusters = [TrackCluster]()
        for (track, person, count, sum, squares, status) in rows {
            clusters.append(TrackCluster(track: track, personID: person,
                                         summary: try SumCoding.summary(count: count, sum: sum, sumOfSquaredNorms: squares, track: track),
                                         status: UnknownPerson.Status(rawValue: status) ?? .active))
        }
        return clusters
    }

    public func createUnknownPerson(at time: Date, expectedRevision: Int64) async throws(CloudError) -> (id: Int64, revision: Int64) {
        try await write { db in
            let revision = try Self.bumpRevision(db, expected: expectedRevision)
            try db.execute(sql: "INSERT INTO unknownPerson (status, createdAt) VALUES ('active', ?)", arguments: [time])
            return (db.lastInsertedRowID, revision)
        }
    }

    public func recordPlacement(_ placement: FacePlacement, expectedRevision: Int64) async throws(CloudError) -> Int64 {
        try await write { db in
            let revision = try Self.bumpRevision(db, expected: expectedRevision)
            let f = placement.face, s = placement.trackSummary
            for gone in placement.absorbed {
                try db.execute(sql: "UPDATE unknownSighting SET personID = ? WHERE personID = ?",
                               arguments: [placement.personID, gone])
                try db.execute(sql: "DELETE FROM unknownPerson WHERE id = ?", arguments: [gone])
            }
            try db.execute(sql: """
                INSERT INTO unknownSighting (siteID, agentID, trackID, personID, camera, firstSeen, lastSeen, detections,
                                             memberCount, sum, sumOfSquaredNorms)
                VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
                ON CONFLICT (siteID, agentID, trackID) DO UPDATE SET
                  personID = excluded.personID, firstSeen = MIN(firstSeen, excluded.firstSeen),
                  lastSeen = MAX(lastSeen, excluded.lastSeen), detections = detections + 1,
                  memberCount = excluded.memberCount, sum = excluded.sum, sumOfSquaredNorms = excluded.sumOfSquaredNorms
                """, arguments: [f.track.siteID, f.track.agentID, f.track.trackID, placement.personID, f.camera, f.time,
                                 f.time, s.count, SumCoding.encode(s.sum), s.sumOfSquaredNorms])
            try Self.setState(db, "clustering.cursor", max(try Self.state(db, "clustering.cursor"), f.detectionID))
            return revision
        }
    }

    public func skipPendingFaces(through detectionID: Int64) async throws(CloudError) {
        try await write { db in
            try Self.setState(db, "clustering.cursor", max(try Self.state(db, "clustering.cursor"), detectionID))
        }
    }

    static func people(_ db: Database, where condition: String, _ arguments: StatementArguments,
                       limit: Int) throws -> [UnknownPerson] {
        try Row.fetchAll(db, sql: """
            SELECT p.id, p.status, p.workerID, COUNT(s.trackID) AS sightings, COALESCE(SUM(s.detections), 0) AS detections,
                   MIN(s.firstSeen) AS firstSeen, MAX(s.lastSeen) AS lastSeen, p.createdAt,
                   GROUP_CONCAT(DISTINCT s.siteID) AS sites, GROUP_CONCAT(DISTINCT s.camera) AS cameras
            FROM unknownPerson p LEFT JOIN unknownSighting s ON s.personID = p.id
            WHERE \(condition) GROUP BY p.id ORDER BY lastSeen DESC, p.id DESC LIMIT ?
            """, arguments: arguments + [limit]).map { row in
            let created: Date = row["createdAt"]
            let sites: String? = row["sites"], cameras: String? = row["cameras"]
            return UnknownPerson(id: row["id"], status: UnknownPerson.Status(rawValue: row["status"]) ?? .active,
                                 workerID: row["workerID"], sightings: row["sightings"], detections: row["detections"],
                                 firstSeen: row["firstSeen"] ?? created, lastSeen: row["lastSeen"] ?? created,
                                 sites: (sites ?? "").split(separator: ",").map(String.init).sorted(),
                                 cameras: (cameras ?? "").split(separator: ",").map(String.init).sorted())
        }
    }

    public func unknownPeople(status: UnknownPerson.Status?, limit: Int) async throws(CloudError) -> [UnknownPerson] {
        try await read { db in
            if let status { return try Self.people(db, where: "p.status = ?", [status.rawValue], limit: limit) }
            return try Self.people(db, where: "1 = 1", [], limit: limit)
        }
    }

    public func unknownPerson(id: Int64) async throws(CloudError) -> UnknownPerson? {
        try await read { db in try Self.people(db, where: "p.id = ?", [id], limit: 1).first }
    }

    public func unknownSightings(personID: Int64) async throws(CloudError) -> [UnknownSighting] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM unknownSighting WHERE personID = ? ORDER BY lastSeen DESC, siteID, agentID, trackID
                """, arguments: [personID]).map { row in
                UnknownSighting(personID: row["personID"], siteID: row["siteID"], agentID: row["agentID"],
                                trackID: row["trackID"], camera: row["camera"], firstSeen: row["firstSeen"],
                                lastSeen: row["lastSeen"], detections: row["detections"])
            }
        }
    }

    public func unknownCropCandidates(personID: Int64) async throws(CloudError) -> [CropCandidate] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.id, d.siteID, d.agentID, d.trackID, d.cropFile, d.quality, d.time
                FROM unknownSighting s JOIN detection d
                  ON d.siteID = s.siteID AND d.agentID = s.agentID AND d.trackID = s.trackID
                WHERE s.personID = ? AND d.cropFile IS NOT NULL ORDER BY d.id
                """, arguments: [personID]).map { row in
                let site: String = row["siteID"], agent: String = row["agentID"], track: String = row["trackID"]
                return CropCandidate(detectionID: row["id"], track: "\(site)/\(agent)/\(track)", cropFile: row["cropFile"],
                                     quality: row["quality"], time: row["time"])
            }
        }
    }

    public func setUnknownPersonStatus(id: Int64, status: UnknownPerson.Status, workerID: Int64?,
                                       actor: String) async throws(CloudError) {
        try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT id FROM unknownPerson WHERE id = ?", arguments: [id]) != nil else {
                throw CloudError(.notFound, "no such unknown person", subject: "person:\(id)")
            }
            _ = try Self.bumpRevision(db, expected: nil)
            try db.execute(sql: "UPDATE unknownPerson SET status = ?, workerID = ? WHERE id = ?",
                           arguments: [status.rawValue, workerID, id])
            var entry = AuditEntry(actor: actor, action: "person.\(status.rawValue)", subject: "person:\(id)",
                                   detail: AuditDetail.json(workerID.map { ["worker": "\($0)"] } ?? [:]))
            try entry.insert(db)
        }
    }

    public func mergeUnknownPeople(into: Int64, from: Int64, actor: String) async throws(CloudError) {
        try await write { db in
            guard into != from else { throw CloudError(.badRequest, "cannot merge a person with themselves", subject: "person:\(into)") }
            for id in [into, from] {
                guard let status = try String.fetchOne(db, sql: "SELECT status FROM unknownPerson WHERE id = ?", arguments: [id]) else {
                    throw CloudError(.notFound, "no such unknown person", subject: "person:\(id)")
                }
                guard status != UnknownPerson.Status.enrolled.rawValue else {
                    throw CloudError(.badRequest, "the person was enrolled as a worker already", subject: "person:\(id)")
                }
            }
            _ = try Self.bumpRevision(db, expected: nil)
            try db.execute(sql: "UPDATE unknownSighting SET personID = ? WHERE personID = ?", arguments: [into, from])
            try db.execute(sql: "DELETE FROM unknownPerson WHERE id = ?", arguments: [from])
            var entry = AuditEntry(actor: actor, action: "person.merge", subject: "person:\(into)",
                                   detail: AuditDetail.json(["merged": "\(from)"]))
            try entry.insert(db)
        }
    }

    public func splitUnknownPerson(id: Int64, tracks: [TrackRef], actor: String) async throws(CloudError) -> Int64 {
        try await write { db in
            let own = Set(try Row.fetchAll(db, sql: "SELECT siteID, agentID, trackID FROM unknownSighting WHERE personID = ?",
                                           arguments: [id]).map {
                TrackRef(siteID: $0["siteID"], agentID: $0["agentID"], trackID: $0["trackID"])
            })
            let moving = Set(tracks)
            guard !own.isEmpty else { throw CloudError(.notFound, "no such unknown person, or no sightings", subject: "person:\(id)") }
            guard !moving.isEmpty, moving.isSubset(of: own), moving.count < own.count else {
                throw CloudError(.badRequest, "a split moves some, but not all, of the person's \(own.count) sightings "
                                 + "(\(moving.count) named, \(moving.subtracting(own).count) not theirs)", subject: "person:\(id)")
            }
            _ = try Self.bumpRevision(db, expected: nil)
            try db.execute(sql: "INSERT INTO unknownPerson (status, createdAt) VALUES ('active', ?)", arguments: [Date()])
            let newID = db.lastInsertedRowID
            for t in moving {
                try db.execute(sql: "UPDATE unknownSighting SET personID = ? WHERE siteID = ? AND agentID = ? AND trackID = ?",
                               arguments: [newID, t.siteID, t.agentID, t.trackID])
            }
            var entry = AuditEntry(actor: actor, action: "person.split", subject: "person:\(id)",
                                   detail: AuditDetail.json(["new_person": "\(newID)", "sightings": "\(moving.count)"]))
            try entry.insert(db)
            return newID
        }
    }
}
