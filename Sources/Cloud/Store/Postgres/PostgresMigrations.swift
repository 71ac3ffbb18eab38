// The PostgreSQL schema as numbered migrations, applied under an advisory lock so that N aggregators starting
// together migrate once. Never edit a shipped migration; add one.
import Logging
import PostgresNIO

enum PostgresMigrations {
    /// The advisory lock key every rollcall-cloud process takes while migrating.
    static let lockKey: Int64 = 0x726F_6C6C_6361_6C6C   // "rollcall"

    /// Every migration, in order; the schema's version is the number of the last one applied.
    static let all: [(version: Int, sql: [String])] = [
        (1, [
            """
            CREATE TABLE site (
              id TEXT PRIMARY KEY, name TEXT NOT NULL, emotion_enabled BOOLEAN NOT NULL DEFAULT FALSE,
              created_at TIMESTAMPTZ NOT NULL)
            """,
            """
            CREATE TABLE agent (
              site_id TEXT NOT NULL REFERENCES site(id) ON DELETE CASCADE, id TEXT NOT NULL,
              last_seen TIMESTAMPTZ NOT NULL, status TEXT NOT NULL, frames_per_second DOUBLE PRECISION NOT NULL DEFAULT 0,
              outbox_depth BIGINT NOT NULL DEFAULT 0, gallery_version_acked BIGINT, gallery_acked_at TIMESTAMPTZ,
              outbox_dropped BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (site_id, id))
            """,
            "CREATE TABLE worker (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)",
            """
            CREATE TABLE enrollment_photo (
              id BIGSERIAL PRIMARY KEY, worker_id BIGINT NOT NULL REFERENCES worker(id) ON DELETE CASCADE,
              file TEXT NOT NULL, embedding BYTEA NOT NULL, quality DOUBLE PRECISION NOT NULL,
              created_at TIMESTAMPTZ NOT NULL)
            """,
            "CREATE INDEX enrollment_photo_worker ON enrollment_photo (worker_id)",
            """
            CREATE TABLE gallery_version (
              version BIGINT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL, worker_count BIGINT NOT NULL,
              reason TEXT NOT NULL, actor TEXT NOT NULL, snapshot BYTEA NOT NULL)
            """,
            """
            CREATE TABLE gallery_ack (
              version BIGINT NOT NULL REFERENCES gallery_version(version) ON DELETE CASCADE, site_id TEXT NOT NULL,
              agent_id TEXT NOT NULL, acked_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (version, site_id, agent_id))
            """,
            """
            CREATE TABLE detection (
              id BIGSERIAL PRIMARY KEY, time TIMESTAMPTZ NOT NULL, site_id TEXT NOT NULL, agent_id TEXT NOT NULL,
              camera TEXT NOT NULL, track_id TEXT NOT NULL,
              worker_id BIGINT REFERENCES worker(id) ON DELETE CASCADE, distance DOUBLE PRECISION, emotion TEXT,
              emotion_score DOUBLE PRECISION, quality DOUBLE PRECISION NOT NULL, crop_file TEXT,
              stored_at TIMESTAMPTZ NOT NULL, privacy BOOLEAN NOT NULL DEFAULT FALSE, crop_emotion TEXT,
              crop_emotion_score DOUBLE PRECISION, message_id UUID)
            """,
            "CREATE UNIQUE INDEX detection_message ON detection (site_id, agent_id, message_id)",
            "CREATE INDEX detection_time ON detection (time)",
            "CREATE INDEX detection_site_time ON detection (site_id, time)",
            "CREATE INDEX detection_track ON detection (site_id, agent_id, track_id)",
            "CREATE INDEX detection_worker ON detection (worker_id)",
            """
            CREATE TABLE api_token (
              id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, secret_hash TEXT NOT NULL UNIQUE,
              created_at TIMESTAMPTZ NOT NULL, revoked_at TIMESTAMPTZ)
            """,
            """
            CREATE TABLE audit_log (
              id BIGSERIAL PRIMARY KEY, time TIMESTAMPTZ NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
              subject TEXT NOT NULL, detail TEXT NOT NULL)
            """,
            "CREATE INDEX audit_log_time ON audit_log (time)",
            // Crops and enrollment photos: any process serves any of them.
            "CREATE TABLE blob (name TEXT PRIMARY KEY, bytes BYTEA NOT NULL, created_at TIMESTAMPTZ NOT NULL)",
        ]),
        // Tokens expire and record their last use; dashboard sessions (a random id in the cookie, never the
        // token) live here so that every cloud process serving one dashboard knows them.
        (2, [
            "ALTER TABLE api_token ADD COLUMN expires_at TIMESTAMPTZ, ADD COLUMN last_used_at TIMESTAMPTZ",
            """
            CREATE TABLE dashboard_session (
              id_hash TEXT PRIMARY KEY, token_id BIGINT NOT NULL REFERENCES api_token(id) ON DELETE CASCADE,
              csrf_token TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL)
            """,
            "CREATE INDEX dashboard_session_token ON dashboard_session (token_id)",
            "CREATE INDEX dashboard_session_expiry ON dashboard_session (expires_at)",
        ]),
        // An edge-matching agent's own decision for each face, stored with the cloud's comparison.
        (3, [
            "ALTER TABLE detection ADD COLUMN edge_worker_id BIGINT, ADD COLUMN edge_distance DOUBLE PRECISION, "
                + "ADD COLUMN edge_gallery_version BIGINT, ADD COLUMN edge_agreement TEXT",
        ]),
        // Issue 17: site time zones, workers' sites and per-site gallery messages; the face embedding of each
        // detection; "not this worker" corrections; recurring unknown people and the clustering state.
        (4, [
            "CREATE TABLE site_time_zone (site_id TEXT PRIMARY KEY REFERENCES site(id) ON DELETE CASCADE, time_zone TEXT NOT NULL)",
            """
            CREATE TABLE worker_site (
              worker_id BIGINT NOT NULL REFERENCES worker(id) ON DELETE CASCADE,
              site_id TEXT NOT NULL REFERENCES site(id) ON DELETE CASCADE, PRIMARY KEY (worker_id, site_id))
            """,
            """
            CREATE TABLE site_gallery (
              version BIGINT NOT NULL REFERENCES gallery_version(version) ON DELETE CASCADE, site_id TEXT NOT NULL,
              message BYTEA NOT NULL, PRIMARY KEY (version, site_id))
            """,
            """
            CREATE TABLE detection_embedding (
              detection_id BIGINT PRIMARY KEY REFERENCES detection(id) ON DELETE CASCADE, embedding BYTEA NOT NULL)
            """,
            """
            CREATE TABLE worker_negative (
              id BIGSERIAL PRIMARY KEY, worker_id BIGINT NOT NULL REFERENCES worker(id) ON DELETE CASCADE,
              detection_id BIGINT NOT NULL, embedding BYTEA NOT NULL, actor TEXT NOT NULL,
              created_at TIMESTAMPTZ NOT NULL, undone_at TIMESTAMPTZ, undone_by TEXT)
            """,
            "CREATE INDEX worker_negative_worker ON worker_negative (worker_id)",
            """
            CREATE TABLE unknown_person (
              id BIGSERIAL PRIMARY KEY, status TEXT NOT NULL,
              worker_id BIGINT REFERENCES worker(id) ON DELETE SET NULL, created_at TIMESTAMPTZ NOT NULL)
            """,
            """
            CREATE TABLE unknown_sighting (
              site_id TEXT NOT NULL, agent_id TEXT NOT NULL, track_id TEXT NOT NULL,
              person_id BIGINT NOT NULL REFERENCES unknown_person(id) ON DELETE CASCADE, camera TEXT NOT NULL,
              first_seen TIMESTAMPTZ NOT NULL, last_seen TIMESTAMPTZ NOT NULL, detections BIGINT NOT NULL,
              member_count BIGINT NOT NULL, sum BYTEA NOT NULL, sum_of_squared_norms DOUBLE PRECISION NOT NULL,
              PRIMARY KEY (site_id, agent_id, track_id))
            """,
            "CREATE INDEX unknown_sighting_person ON unknown_sighting (person_id)",
            "CREATE TABLE feature_state (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO feature_state (name, value) VALUES ('clustering.cursor', 0), ('clustering.revision', 0)",
        ]),
        // Issue 16: image-free sightings (tracks an agent followed without ever sending a crop).
        (5, [
            """
            CREATE TABLE face_sighting (
              id BIGSERIAL PRIMARY KEY, message_id TEXT NOT NULL, site_id TEXT NOT NULL, agent_id TEXT NOT NULL,
              camera TEXT NOT NULL, track_id TEXT NOT NULL, first_seen TIMESTAMPTZ NOT NULL,
              last_seen TIMESTAMPTZ NOT NULL, detections BIGINT NOT NULL, largest_face_pixels DOUBLE PRECISION NOT NULL,
              reason TEXT NOT NULL, stored_at TIMESTAMPTZ NOT NULL, UNIQUE (site_id, agent_id, message_id))
            """,
            "CREATE INDEX face_sighting_last_seen ON face_sighting (last_seen)",
        ]),
        // Issue 13: state shared by every aggregator: track fusion and emotion smoothing, the live feed's
        // events, and which gallery version was published.
        (6, [
            // Track fusion and emotion smoothing per track, locked (FOR UPDATE) and updated in the detection's
            // transaction; `state` is NULL for a row made by a transaction that stored nothing.
            """
            CREATE TABLE track_state (
              site_id TEXT NOT NULL, agent_id TEXT NOT NULL, camera TEXT NOT NULL, track_id TEXT NOT NULL,
              state BYTEA, worker_id BIGINT, last_seen TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
              PRIMARY KEY (site_id, agent_id, camera, track_id))
            """,
            "CREATE INDEX track_state_updated ON track_state (updated_at)",
            "CREATE INDEX track_state_worker ON track_state (worker_id)",
            // The live feed: `tx` is the storing transaction's id, which orders events for every reader (see
            // PostgresStore.liveEvents).
            """
            CREATE TABLE live_event (
              id BIGSERIAL PRIMARY KEY, tx BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
              time TIMESTAMPTZ NOT NULL DEFAULT now(), kind TEXT NOT NULL, data TEXT NOT NULL, worker_id BIGINT)
            """,
            "CREATE INDEX live_event_position ON live_event (tx, id)",
            "CREATE INDEX live_event_time ON live_event (time)",
            "CREATE INDEX live_event_worker ON live_event (worker_id)",
            "ALTER TABLE gallery_version ADD COLUMN published_at TIMESTAMPTZ",
        ]),
        // Issue 17: every notification sent, per channel (MQTT topic or webhook), with how its delivery ended.
        (7, [
            """
            CREATE TABLE notification_delivery (
              id BIGSERIAL PRIMARY KEY, event_key TEXT NOT NULL, kind TEXT NOT NULL, event_time TIMESTAMPTZ NOT NULL,
              site_id TEXT, message TEXT NOT NULL, channel TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL,
              attempts BIGINT NOT NULL, http_status BIGINT, last_error TEXT, finished_at TIMESTAMPTZ NOT NULL)
            """,
            "CREATE INDEX notification_delivery_event ON notification_delivery (event_key)",
        ]),
    ]

    /// The newest schema this binary knows.
    static var latest: Int { all.last?.version ?? 0 }

    /// Applies what is missing, under the advisory lock; refuses a schema newer than this binary.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
        do {
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_version (
                  version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var current = 0
            for try await version in try await connection.query(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version", logger: logger).decode(Int.self) {
                current = version
            }
            guard current <= latest else {
                throw CloudError(.storage, "the database schema is version \(current), newer than this binary's \(latest): "
                                 + "upgrade rollcall-cloud", subject: PostgresURL.key)
            }
            for migration in all where migration.version > current {
                try await connection.withTransaction(logger: logger) { transaction in
                    for statement in migration.sql {
                        try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await transaction.query("INSERT INTO schema_version (version) VALUES (\(migration.version))",
                                                logger: logger)
                }
                logger.info("postgres schema migrated to version \(migration.version)")
            }
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
            throw error
        }
        try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
    }
}
