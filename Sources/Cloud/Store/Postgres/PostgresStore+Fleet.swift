// Sites, agents and gallery versions on PostgreSQL.
import Foundation
import PostgresNIO

extension PostgresStore {
    static func site(_ row: PostgresRandomAccessRow) throws -> Site {
        Site(id: try row.value("id"), name: try row.value("name"), emotionEnabled: try row.value("emotion_enabled"),
             createdAt: try row.value("created_at"))
    }

    static func agent(_ row: PostgresRandomAccessRow) throws -> AgentRecord {
        AgentRecord(id: try row.value("id"), siteID: try row.value("site_id"), lastSeen: try row.value("last_seen"),
                    status: try row.value("status"), framesPerSecond: try row.value("frames_per_second"),
                    outboxDepth: try row.value("outbox_depth", as: Int.self),
                    galleryVersionAcked: try row.value("gallery_version_acked", as: Int?.self),
                    galleryAckedAt: try row.value("gallery_acked_at"),
                    outboxDropped: try row.value("outbox_dropped", as: Int.self))
    }

    static func galleryVersion(_ row: PostgresRandomAccessRow) throws -> GalleryVersion {
        GalleryVersion(version: try row.value("version", as: Int.self), createdAt: try row.value("created_at"),
                       workerCount: try row.value("worker_count", as: Int.self), reason: try row.value("reason"),
                       actor: try row.value("actor"), snapshot: try row.value("snapshot", as: Data.self),
                       publishedAt: try row.value("published_at", as: Date?.self))
    }

    public func upsertSite(_ site: Site) async throws(CloudError) {
        _ = try await rows("upsert site", """
            INSERT INTO site (id, name, emotion_enabled, created_at)
            VALUES (\(site.id), \(site.name), \(site.emotionEnabled), \(site.createdAt))
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, emotion_enabled = EXCLUDED.emotion_enabled
            """) { _ in () }
    }

    public func sites() async throws(CloudError) -> [Site] {
        try await rows("sites", "SELECT * FROM site ORDER BY id", Self.site)
    }

    public func site(id: String) async throws(CloudError) -> Site? {
        try await rows("site", "SELECT * FROM site WHERE id = \(id)", Self.site).first
    }

    public func recordAgentSeen(siteID: String, id: String, at time: Date, status: String, framesPerSecond: Double?,
                                outboxDepth: Int?, outboxDropped: Int?) async throws(CloudError) {
        let logger = self.logger
        _ = try await transaction("record agent \(siteID)/\(id)") { connection in
            try await connection.query("""
                INSERT INTO site (id, name, emotion_enabled, created_at) VALUES (\(siteID), \(siteID), FALSE, \(time))
                ON CONFLICT (id) DO NOTHING
                """, logger: logger)
            let agents = try await Self.rows(connection, """
                INSERT INTO agent (site_id, id, last_seen, status, frames_per_second, outbox_depth, outbox_dropped)
                VALUES (\(siteID), \(id), \(time), \(status), \(framesPerSecond ?? 0), \(outboxDepth ?? 0),
                        \(outboxDropped ?? 0))
                ON CONFLICT (site_id, id) DO UPDATE SET
                  last_seen = GREATEST(agent.last_seen, EXCLUDED.last_seen), status = EXCLUDED.status,
                  frames_per_second = COALESCE(\(framesPerSecond), agent.frames_per_second),
                  outbox_depth = COALESCE(\(outboxDepth), agent.outbox_depth),
                  outbox_dropped = COALESCE(\(outboxDropped), agent.outbox_dropped)
                RETURNING *
                """, logger: logger, Self.agent)
            for agent in agents {
                try await Self.insertEvent(LiveEvent(name: "agent", encoding: agent), on: connection, logger: logger)
            }
        }
    }

    public func agents() async throws(CloudError) -> [AgentRecord] {
        try await rows("agents", "SELECT * FROM agent ORDER BY site_id, id", Self.agent)
    }

    public func agent(siteID: String, id: String) async throws(CloudError) -> AgentRecord? {
        try await rows("agent", "SELECT * FROM agent WHERE site_id = \(siteID) AND id = \(id)", Self.agent).first
    }

    public func recordGalleryAck(siteID: String, agentID: String, version: Int, at time: Date) async throws(CloudError) {
        let logger = self.logger
        _ = try await transaction("record gallery ack") { connection in
            let known = try await Self.rows(connection, "SELECT 1 AS one FROM gallery_version WHERE version = \(version)",
                                            logger: logger) { _ in true }
            guard !known.isEmpty else {
                throw CloudError(.notFound, "no gallery version \(version)", subject: "agent \(siteID)/\(agentID)")
            }
            try await connection.query("""
                INSERT INTO gallery_ack (version, site_id, agent_id, acked_at)
                VALUES (\(version), \(siteID), \(agentID), \(time))
                ON CONFLICT (version, site_id, agent_id) DO UPDATE SET acked_at = EXCLUDED.acked_at
                """, logger: logger)
            let agents = try await Self.rows(connection, """
                UPDATE agent SET gallery_version_acked = \(version), gallery_acked_at = \(time)
                WHERE site_id = \(siteID) AND id = \(agentID)
                  AND (gallery_version_acked IS NULL OR gallery_version_acked <= \(version))
                RETURNING *
                """, logger: logger, Self.agent)
            for agent in agents {
                try await Self.insertEvent(LiveEvent(name: "agent", encoding: agent), on: connection, logger: logger)
            }
        }
    }

    public func addGalleryVersion(after expected: Int?, reason: String, actor: String,
                                  build: @escaping @Sendable (Int) throws -> GalleryBuild)
        async throws(CloudError) -> GalleryVersion? {
        let logger = self.logger
        return try await transaction("add gallery version") { connection -> GalleryVersion? in
            // Two processes enrolling at once get consecutive numbers: the table lock orders them, and the later
            // one, which built from rows read before the earlier one's version, builds again (`expected`).
            try await connection.query("LOCK TABLE gallery_version IN EXCLUSIVE MODE", logger: logger)
            let last = try await Self.rows(connection, "SELECT COALESCE(MAX(version), 0) AS last FROM gallery_version",
                                           logger: logger) { try $0.value("last", as: Int.self) }.first ?? 0
            if let expected, expected != last { return nil }
            let built = try build(last + 1)
            let version = GalleryVersion(version: last + 1, workerCount: built.workerCount, reason: reason,
                                         actor: actor, snapshot: built.snapshot)
            try await connection.query("""
                INSERT INTO gallery_version (version, created_at, worker_count, reason, actor, snapshot)
                VALUES (\(version.version), \(version.createdAt), \(version.workerCount), \(version.reason),
                        \(version.actor), \(version.snapshot))
                """, logger: logger)
            for (site, message) in built.siteMessages.sorted(by: { $0.key < $1.key }) {
                try await connection.query("""
                    INSERT INTO site_gallery (version, site_id, message) VALUES (\(version.version), \(site), \(message))
                    """, logger: logger)
            }
            try await Self.insertEvent(LiveEvent(name: "gallery", encoding: GalleryEvent(
                version: version.version, workerCount: version.workerCount, reason: reason)),
                                       on: connection, logger: logger)
            return version
        }
    }

    public func markGalleryPublished(version: Int, at time: Date) async throws(CloudError) {
        _ = try await rows("mark gallery published", """
            UPDATE gallery_version SET published_at = \(time) WHERE version <= \(version) AND published_at IS NULL
            """) { _ in () }
    }

    public func galleryVersions(limit: Int) async throws(CloudError) -> [GalleryVersion] {
        try await rows("gallery versions", "SELECT * FROM gallery_version ORDER BY version DESC LIMIT \(limit)",
                       Self.galleryVersion)
    }

    public func latestGalleryVersion() async throws(CloudError) -> GalleryVersion? {
        try await rows("latest gallery version", "SELECT * FROM gallery_version ORDER BY version DESC LIMIT 1",
                       Self.galleryVersion).first
    }

    public func galleryAcks(version: Int) async throws(CloudError) -> [GalleryAck] {
        try await rows("gallery acks", """
            SELECT * FROM gallery_ack WHERE version = \(version) ORDER BY site_id, agent_id
            """) { row in
            GalleryAck(version: try row.value("version", as: Int.self), siteID: try row.value("site_id"),
                       agentID: try row.value("agent_id"), ackedAt: try row.value("acked_at"))
        }
    }
}
