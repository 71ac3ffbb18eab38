// Recurring unknown people on PostgreSQL. Every change bumps the clustering revision in the same transaction
// (the row lock on it orders concurrent changes from several aggregators).
import FaceRecognition
import Foundation
import PostgresNIO

extension PostgresStore {
    static func state(_ connection: PostgresConnection, _ name: String, logger: Logger, lock: Bool = false) async throws -> Int64 {
        let query: PostgresQuery = lock ? "SELECT value FROM feature_state WHERE name = \(name) FOR UPDATE"
            : "SELECT value FROM feature_state WHERE name = \(name)"
        return try await rows(connection, query, logger: logger) { try $0.value("value", as: Int64.self) }.first ?? 0
    }

    static func setState(_ connection: PostgresConnection, _ name: String, _ value: Int64, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO feature_state (name, value) VALUES (\(name), \(value))
            ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value
            """, logger: logger)
    }

    /// Bumps the clustering revision; with `expected`, first checks nobody else changed it.
    static func bumpRevision(_ connection: PostgresConnection, expected: Int64?, logger: Logger) async throws -> Int64 {
        let current = try await state(connection, "clustering.revision", logger: logger, lock: true)
        if let expected, expected != current {
            throw CloudError(.conflict, "the unknown people changed meanwhile (revision \(current), expected \(expected))",
                             subject: "clustering")
        }
        try await setState(connection, "clustering.revision", current + 1, logger: logger)
        return current + 1
    }

    public func clusteringProgress() async throws(CloudError) -> ClusteringProgress {
        let values = try await rows("clustering progress", "SELECT name, value FROM feature_state") { row in
            (try row.value("name", as: String.self), try row.value("value", as: Int64.self))
        }
        let state = Dictionary(values, uniquingKeysWith: { $1 })
        return ClusteringProgress(cursor: state["clustering.cursor"] ?? 0, revision: state["clustering.revision"] ?? 0)
    }

    public func pendingUnknownFaces(after: Int64, limit: Int) async throws(CloudError) -> [PendingUnknownFace] {
        try await rows("pending unknown faces", """
            SELECT d.id, d.site_id, d.agent_id, d.track_id, d.camera, d.time, e.embedding
            FROM detection d JOIN detection_embedding e ON e.detection_id = d.id
            WHERE d.id > \(after) AND d.worker_id IS NULL ORDER BY d.id LIMIT \(limit)
            """) { row in
            PendingUnknownFace(detectionID: try row.value("id"),
                               track: TrackRef(siteID: try row.value("site_id"), agentID: try row.value("agent_id"),
                                               trackID: try row.value("track_id")),
                               camera: try row.value("camera"), time: try row.value("time"),
                               embedding: EmbeddingCoding.decode(try row.value("embedding", as: Data.self)))
        }
    }

    public func trackClusters() async throws(CloudError) -> [TrackCluster] {
        let raw = try await rows("track clusters", """
            SELECT s.site_id, s.agent_id, s.track_id, s.person_id, s.member_count, s.sum, s.sum_of_squared_norms, p.status
            FROM unknown_sighting s JOIN unknown_person p ON p.id = s.person_id
            WHERE p.status <> 'enrolled' ORDER BY s.person_id
            """) { row in
            (TrackRef(siteID: try row.value("site_id"), agentID: try row.value("agent_id"), trackID: try row.value("track_id")),
             try row.value("person_id", as: Int64.self), try row.value("member_count", as: Int.self),
             try row.value("sum", as: Data.self), try row.value("sum_of_squared_norms", as: Double.self),
             try row.value("status", as: String.self))
        }
        var clusters = [TrackCluster]()
        for (track, person, count, sum, squares, status) in raw {
            clusters.append(TrackCluster(track: track, personID: person,
                                         summary: try SumCoding.summary(count: count, sum: sum, sumOfSquaredNorms: squares, track: track),
                                         status: UnknownPerson.Status(rawValue: status) ?? .active))
        }
        return clusters
    }

    public func createUnknownPerson(at time: Date, expectedRevision: Int64) async throws(CloudError) -> (id: Int64, revision: Int64) {
        let logger = self.logger
        return try await transaction("create unknown person") { connection in
            let revision = try await Self.bumpRevision(connection, expected: expectedRevision, logger: logger)
            let id = try await Self.rows(connection, "INSERT INTO unknown_person (status, created_at) VALUES ('active', \(time)) RETURNING id",
                                         logger: logger) { try $0.value("id", as: Int64.self) }.first ?? 0
            return (id, revision)
        }
    }

    public func recordPlacement(_ placement: FacePlacement, expectedRevision: Int64) async throws(CloudError) -> Int64 {
        let logger = self.logger
        return try await transaction("record placement") { connection in
            let revision = try await Self.bumpRevision(connection, expected: expectedRevision, logger: logger)
            let f = placement.face, s = placement.trackSummary
            for gone in placement.absorbed {
                try await connection.query("UPDATE unknown_sighting SET person_id = \(placement.personID) WHERE person_id = \(gone)",
                                           logger: logger)
                try await connection.query("DELETE FROM unknown_person WHERE id = \(gone)", logger: logger)
            }
            let sum = SumCoding.encode(s.sum)
            try await connection.query("""
                INSERT INTO unknown_sighting (site_id, agent_id, track_id, person_id, camera, first_seen, last_seen, detections,
                                              member_count, sum, sum_of_squared_norms)
                VALUES (\(f.track.siteID), \(f.track.agentID), \(f.track.trackID), \(placement.personID), \(f.camera), \(f.time),
                        \(f.time), 1, \(s.count), \(sum), \(s.sumOfSquaredNorms))
                ON CONFLICT (site_id, agent_id, track_id) DO UPDATE SET
                  person_id = EXCLUDED.person_id, first_seen = LEAST(unknown_sighting.first_seen, EXCLUDED.first_seen),
                  last_seen = GREATEST(unknown_sighting.last_seen, EXCLUDED.last_seen),
                  detections = unknown_sighting.detections + 1, member_count = EXCLUDED.member_count, sum = EXCLUDED.sum,
                  sum_of_squared_norms = EXCLUDED.sum_of_squared_norms
                """, logger: logger)
            try await connection.query("""
                UPDATE feature_state SET value = GREATEST(value, \(f.detectionID)) WHERE name = 'clustering.cursor'
                """, logger: logger)
            return revision
        }
    }

    public func skipPendingFaces(through detectionID: Int64) async throws(CloudError) {
        _ = try await rows("skip pending faces", """
            UPDATE feature_state SET value = GREATEST(value, \(detectionID)) WHERE name = 'clustering.cursor'
            """) { _ in () }
    }

    static func person(_ row: PostgresRandomAccessRow) throws -> UnknownPerson {
        let created: Date = try row.value("created_at")
        let sites: String? = try row.value("sites"), cameras: String? = try row.value("cameras")
        return UnknownPerson(id: try row.value("id"), status: UnknownPerson.Status(rawValue: try row.value("status")) ?? .active,
                             workerID: try row.value("worker_id", as: Int64?.self), sightings: try row.value("sightings", as: Int.self),
                             detections: try row.value("detections", as: Int.self),
                             firstSeen: try row.value("first_seen", as: Date?.self) ?? created,
                             lastSeen: try row.value("last_seen", as: Date?.self) ?? created,
                             sites: (sites ?? "").split(separator: ",").map(String.init).sorted(),
                             cameras: (cameras ?? "").split(separator: ",").map(String.init).sorted())
    }

    static let personColumns = """
        SELECT p.id, p.status, p.worker_id, p.created_at, COUNT(s.track_id)::BIGINT AS sightings,
               COALESCE(SUM(s.detections), 0)::BIGINT AS detections, MIN(s.first_seen) AS first_seen,
               MAX(s.last_seen) AS last_seen, STRING_AGG(DISTINCT s.site_id, ',') AS sites,
               STRING_AGG(DISTINCT s.camera, ',') AS cameras
        FROM unknown_person p LEFT JOIN unknown_sighting s ON s.person_id = p.id
        """

    public func unknownPeople(status: UnknownPerson.Status?, limit: Int) async throws(CloudError) -> [UnknownPerson] {
        let wanted = status?.rawValue
        return try await rows("unknown people", """
            \(unescaped: Self.personColumns) WHERE (\(wanted)::TEXT IS NULL OR p.status = \(wanted))
            GROUP BY p.id ORDER BY MAX(s.last_seen) DESC NULLS LAST, p.id DESC LIMIT \(limit)
            """, Self.person)
    }

    public func unknownPerson(id: Int64) async throws(CloudError) -> UnknownPerson? {
        try await rows("unknown person", "\(unescaped: Self.personColumns) WHERE p.id = \(id) GROUP BY p.id", Self.person).first
    }

    public func unknownSightings(personID: Int64) async throws(CloudError) -> [UnknownSighting] {
        try await rows("unknown sightings", """
            SELECT * FROM unknown_sighting WHERE person_id = \(personID) ORDER BY last_seen DESC, site_id, agent_id, track_id
            """) { row in
            UnknownSighting(personID: try row.value("person_id"), siteID: try row.value("site_id"),
                            agentID: try row.value("agent_id"), trackID: try row.value("track_id"),
                            camera: try row.value("camera"), firstSeen: try row.value("first_seen"),
                            lastSeen: try row.value("last_seen"), detections: try row.value("detections", as: Int.self))
        }
    }

    public func unknownCropCandidates(personID: Int64) async throws(CloudError) -> [CropCandidate] {
        try await rows("unknown crops", """
            SELECT d.id, d.site_id, d.agent_id, d.track_id, d.crop_file, d.quality, d.time
            FROM unknown_sighting s JOIN detection d
              ON d.site_id = s.site_id AND d.agent_id = s.agent_id AND d.track_id = s.track_id
            WHERE s.person_id = \(personID) AND d.crop_file IS NOT NULL ORDER BY d.id
            """) { row in
            let site: String = try row.value("site_id"), agent: String = try row.value("agent_id"),
                track: String = try row.value("track_id")
            return CropCandidate(detectionID: try row.value("id"), track: "\(site)/\(agent)/\(track)",
                                 cropFile: try row.value("crop_file"), quality: try row.value("quality"), time: try row.value("time"))
        }
    }

    public func setUnknownPersonStatus(id: Int64, status: UnknownPerson.Status, workerID: Int64?,
                                       actor: String) async throws(CloudError) {
        let logger = self.logger
        try await transaction("set unknown person status") { connection in
            let found = try await Self.rows(connection, "SELECT 1 AS one FROM unknown_person WHERE id = \(id) FOR UPDATE",
                                            logger: logger) { _ in true }
            guard !found.isEmpty else { throw CloudError(.notFound, "no such unknown person", subject: "person:\(id)") }
            _ = try await Self.bumpRevision(connection, expected: nil, logger: logger)
            try await connection.query("UPDATE unknown_person SET status = \(status.rawValue), worker_id = \(workerID) WHERE id = \(id)",
                                       logger: logger)
            try await Self.insertAudit(AuditEntry(actor: actor, action: "person.\(status.rawValue)", subject: "person:\(id)",
                                                  detail: AuditDetail.json(workerID.map { ["worker": "\($0)"] } ?? [:])),
                                       on: connection, logger: logger)
        }
    }

    public func mergeUnknownPeople(into: Int64, from: Int64, actor: String) async throws(CloudError) {
        let logger = self.logger
        try await transaction("merge unknown people") { connection in
            guard into != from else { throw CloudError(.badRequest, "cannot merge a person with themselves", subject: "person:\(into)") }
            for id in [into, from] {
                guard let status = try await Self.rows(connection, "SELECT status FROM unknown_person WHERE id = \(id) FOR UPDATE",
                                                       logger: logger, { try $0.value("status", as: String.self) }).first else {
                    throw CloudError(.notFound, "no such unknown person", subject: "person:\(id)")
                }
                guard status != UnknownPerson.Status.enrolled.rawValue else {
                    throw CloudError(.badRequest, "the person was enrolled as a worker already", subject: "person:\(id)")
                }
            }
            _ = try await Self.bumpRevision(connection, expected: nil, logger: logger)
            try await connection.query("UPDATE unknown_sighting SET person_id = \(into) WHERE person_id = \(from)", logger: logger)
            try await connection.query("DELETE FROM unknown_person WHERE id = \(from)", logger: logger)
            try await Self.insertAudit(AuditEntry(actor: actor, action: "person.merge", subject: "person:\(into)",
                                                  detail: AuditDetail.json(["merged": "\(from)"])),
                                       on: connection, logger: logger)
        }
    }

    public func splitUnknownPerson(id: Int64, tracks: [TrackRef], actor: String) async throws(CloudError) -> Int64 {
        let logger = self.logger
        return try await transaction("split unknown person") { connection in
            let own = Set(try await Self.rows(connection, """
                SELECT site_id, agent_id, track_id FROM unknown_sighting WHERE person_id = \(id) FOR UPDATE
                """, logger: logger) {
                TrackRef(siteID: try $0.value("site_id"), agentID: try $0.value("agent_id"), trackID: try $0.value("track_id"))
            })
            let moving = Set(tracks)
            guard !own.isEmpty else { throw CloudError(.notFound, "no such unknown person, or no sightings", subject: "person:\(id)") }
            guard !moving.isEmpty, moving.isSubset(of: own), moving.count < own.count else {
                throw CloudError(.badRequest, "a split moves some, but not all, of the person's \(own.count) sightings "
                                 + "(\(moving.count) named, \(moving.subtracting(own).count) not theirs)", subject: "person:\(id)")
            }
            _ = try await Self.bumpRevision(connection, expected: nil, logger: logger)
            let now = Date()
            let newID = try await Self.rows(connection, "INSERT INTO unknown_person (status, created_at) VALUES ('active', \(now)) RETURNING id",
                                            logger: logger) { try $0.value("id", as: Int64.self) }.first ?? 0
            for t in moving {
                try await connection.query("""
                    UPDATE unknown_sighting SET person_id = \(newID)
                    WHERE site_id = \(t.siteID) AND agent_id = \(t.agentID) AND track_id = \(t.trackID)
                    """, logger: logger)
            }
            try await Self.insertAudit(AuditEntry(actor: actor, action: "person.split", subject: "person:\(id)",
                                                  detail: AuditDetail.json(["new_person": "\(newID)", "sightings": "\(moving.count)"])),
                                       on: connection, logger: logger)
            return newID
        }
    }
}
