// The database schema, as an ordered list of GRDB migrations. Never edit a shipped migration; add one.
import GRDB

enum Migrations {
    /// Every migration, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.create(table: "site") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("emotionEnabled", .boolean).notNull().defaults(to: true)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "agent") { t in
                t.primaryKey("id", .text)
                t.column("siteID", .text).notNull().indexed().references("site", onDelete: .cascade)
                t.column("lastSeen", .datetime).notNull()
                t.column("status", .text).notNull()
                t.column("framesPerSecond", .double).notNull().defaults(to: 0)
                t.column("outboxDepth", .integer).notNull().defaults(to: 0)
                t.column("galleryVersionAcked", .integer)
                t.column("galleryAckedAt", .datetime)
            }
            try db.create(table: "worker") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "enrollmentPhoto") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("workerID", .integer).notNull().indexed().references("worker", onDelete: .cascade)
                t.column("file", .text).notNull()
                t.column("embedding", .blob).notNull()
                t.column("quality", .double).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "galleryVersion") { t in
                t.primaryKey("version", .integer)
                t.column("createdAt", .datetime).notNull()
                t.column("workerCount", .integer).notNull()
                t.column("reason", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("snapshot", .blob).notNull()
            }
            try db.create(table: "galleryAck") { t in
                t.column("version", .integer).notNull().references("galleryVersion", onDelete: .cascade)
                t.column("agentID", .text).notNull()
                t.column("ackedAt", .datetime).notNull()
                t.primaryKey(["version", "agentID"])
            }
            try db.create(table: "detection") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("time", .datetime).notNull().indexed()
                t.column("siteID", .text).notNull()
                t.column("agentID", .text).notNull()
                t.column("camera", .text).notNull()
                t.column("trackID", .text).notNull()
                t.column("workerID", .integer).indexed().references("worker", onDelete: .cascade)
                t.column("distance", .double)
                t.column("emotion", .text)
                t.column("emotionScore", .double)
                t.column("quality", .double).notNull()
                t.column("cropFile", .text)
                t.column("storedAt", .datetime).notNull()
            }
            try db.create(index: "detection_site_time", on: "detection", columns: ["siteID", "time"])
            try db.create(index: "detection_track", on: "detection", columns: ["agentID", "trackID"])
            try db.create(table: "apiToken") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("secretHash", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
                t.column("revokedAt", .datetime)
            }
            try db.create(table: "auditLog") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("time", .datetime).notNull().indexed()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("detail", .text).notNull()
            }
        }
        migrator.registerMigration("v2-privacy-and-smoothed-emotion") { db in
            // Privacy-mode detections (embedding only, never a crop) and each crop's own emotion next to the
            // track's smoothed one, which `emotion`/`emotionScore` now hold.
            try db.alter(table: "detection") { t in
                t.add(column: "privacy", .boolean).notNull().defaults(to: false)
                t.add(column: "cropEmotion", .text)
                t.add(column: "cropEmotionScore", .double)
            }
        }
        migrator.registerMigration("v3-message-id") { db in
            // Ingest acknowledges a message after its detection is committed; a message delivered again (the
            // cloud died before acknowledging it) must not be stored twice.
            try db.alter(table: "detection") { t in t.add(column: "messageID", .blob) }
            try db.create(index: "detection_message", on: "detection", columns: ["siteID", "agentID", "messageID"],
                          unique: true)
        }
        migrator.registerMigration("v4-site-scoped-agents") { db in
            // An agent is (site, agent), as in its certificate and topics; its outbox drops are kept.
            try db.execute(sql: """
                CREATE TABLE agent_v4 (
                  siteID TEXT NOT NULL REFERENCES site(id) ON DELETE CASCADE,
                  id TEXT NOT NULL,
                  lastSeen DATETIME NOT NULL,
                  status TEXT NOT NULL,
                  framesPerSecond DOUBLE NOT NULL DEFAULT 0,
                  outboxDepth INTEGER NOT NULL DEFAULT 0,
                  galleryVersionAcked INTEGER,
                  galleryAckedAt DATETIME,
                  outboxDropped INTEGER NOT NULL DEFAULT 0,
                  PRIMARY KEY (siteID, id));
                INSERT INTO agent_v4 (siteID, id, lastSeen, status, framesPerSecond, outboxDepth, galleryVersionAcked,
                                      galleryAckedAt)
                  SELECT siteID, id, lastSeen, status, framesPerSecond, outboxDepth, galleryVersionAcked, galleryAckedAt
                  FROM agent;
                DROP TABLE agent;
                ALTER TABLE agent_v4 RENAME TO agent;
                CREATE TABLE galleryAck_v4 (
                  version INTEGER NOT NULL REFERENCES galleryVersion(version) ON DELETE CASCADE,
                  siteID TEXT NOT NULL,
                  agentID TEXT NOT NULL,
                  ackedAt DATETIME NOT NULL,
                  PRIMARY KEY (version, siteID, agentID));
                INSERT INTO galleryAck_v4 (version, siteID, agentID, ackedAt)
                  SELECT a.version, COALESCE(g.siteID, ''), a.agentID, a.ackedAt
                  FROM galleryAck a LEFT JOIN agent g ON g.id = a.agentID;
                DROP TABLE galleryAck;
                ALTER TABLE galleryAck_v4 RENAME TO galleryAck;
                DROP INDEX IF EXISTS detection_track;
                CREATE INDEX detection_track ON detection (siteID, agentID, trackID);
                """)
        }
        migrator.registerMigration("v5-token-expiry-and-dashboard-sessions") { db in
            // Tokens expire and record their last use; dashboard sessions (a random id in the cookie, never the
            // token) live here so that every cloud process serving one dashboard knows them.
            try db.alter(table: "apiToken") { t in
                t.add(column: "expiresAt", .datetime)
                t.add(column: "lastUsedAt", .datetime)
            }
            try db.create(table: "dashboardSession") { t in
                t.primaryKey("idHash", .text)
                t.column("tokenID", .integer).notNull().indexed().references("apiToken", onDelete: .cascade)
                t.column("csrfToken", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull().indexed()
            }
        }
        migrator.registerMigration("v6-edge-decisions") { db in
            // An edge-matching agent's own decision for each face, stored with the cloud's comparison.
            try db.alter(table: "detection") { t in
                t.add(column: "edgeWorkerID", .integer)
                t.add(column: "edgeDistance", .double)
                t.add(column: "edgeGalleryVersion", .integer)
                t.add(column: "edgeAgreement", .text)
            }
        }
        migrator.registerMigration("v7-sites-people-corrections") { db in
            // Issue 17: site time zones, workers' sites and per-site gallery messages; the face embedding of
            // each detection; "not this worker" corrections; recurring unknown people and the clustering state.
            try db.execute(sql: """
                CREATE TABLE siteTimeZone (
                  siteID TEXT PRIMARY KEY REFERENCES site(id) ON DELETE CASCADE,
                  timeZone TEXT NOT NULL);
                CREATE TABLE workerSite (
                  workerID INTEGER NOT NULL REFERENCES worker(id) ON DELETE CASCADE,
                  siteID TEXT NOT NULL REFERENCES site(id) ON DELETE CASCADE,
                  PRIMARY KEY (workerID, siteID));
                CREATE TABLE siteGallery (
                  version INTEGER NOT NULL REFERENCES galleryVersion(version) ON DELETE CASCADE,
                  siteID TEXT NOT NULL,
                  message BLOB NOT NULL,
                  PRIMARY KEY (version, siteID));
                CREATE TABLE detectionEmbedding (
                  detectionID INTEGER PRIMARY KEY REFERENCES detection(id) ON DELETE CASCADE,
                  embedding BLOB NOT NULL);
                CREATE TABLE workerNegative (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  workerID INTEGER NOT NULL REFERENCES worker(id) ON DELETE CASCADE,
                  detectionID INTEGER NOT NULL,
                  embedding BLOB NOT NULL,
                  actor TEXT NOT NULL,
                  createdAt DATETIME NOT NULL,
                  undoneAt DATETIME,
                  undoneBy TEXT);
                CREATE INDEX workerNegative_worker ON workerNegative (workerID);
                CREATE TABLE unknownPerson (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  status TEXT NOT NULL,
                  workerID INTEGER REFERENCES worker(id) ON DELETE SET NULL,
                  createdAt DATETIME NOT NULL);
                CREATE TABLE unknownSighting (
                  siteID TEXT NOT NULL,
                  agentID TEXT NOT NULL,
                  trackID TEXT NOT NULL,
                  personID INTEGER NOT NULL REFERENCES unknownPerson(id) ON DELETE CASCADE,
                  camera TEXT NOT NULL,
                  firstSeen DATETIME NOT NULL,
                  lastSeen DATETIME NOT NULL,
                  detections INTEGER NOT NULL,
                  memberCount INTEGER NOT NULL,
                  sum BLOB NOT NULL,
                  sumOfSquaredNorms DOUBLE NOT NULL,
                  PRIMARY KEY (siteID, agentID, trackID));
                CREATE INDEX unknownSighting_person ON unknownSighting (personID);
                CREATE TABLE featureState (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT INTO featureState (name, value) VALUES ('clustering.cursor', 0), ('clustering.revision', 0);
                """)
        }
        migrator.registerMigration("v8-face-sightings") { db in
            // Issue 16: tracks an agent followed without ever sending a crop (faces too small or too poor),
            // image-free; a redelivered message is stored once per agent.
            try db.create(table: "faceSighting") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("messageID", .text).notNull()
                t.column("siteID", .text).notNull()
                t.column("agentID", .text).notNull()
                t.column("camera", .text).notNull()
                t.column("trackID", .text).notNull()
                t.column("firstSeen", .datetime).notNull()
                t.column("lastSeen", .datetime).notNull().indexed()
                t.column("detections", .integer).notNull()
                t.column("largestFacePixels", .double).notNull()
                t.column("reason", .text).notNull()
                t.column("storedAt", .datetime).notNull()
                t.uniqueKey(["siteID", "agentID", "messageID"])
            }
        }
        migrator.registerMigration("v9-shared-tracks-and-live-events") { db in
            // Track fusion and emotion smoothing per track, updated in the detection's transaction; the live
            // feed's events, stored with what they report; gallery versions record their publication.
            try db.execute(sql: """
                CREATE TABLE trackState (
                  siteID TEXT NOT NULL, agentID TEXT NOT NULL, camera TEXT NOT NULL, trackID TEXT NOT NULL,
                  state BLOB NOT NULL, workerID INTEGER, lastSeen DATETIME NOT NULL, updatedAt DATETIME NOT NULL,
                  PRIMARY KEY (siteID, agentID, camera, trackID));
                CREATE INDEX trackState_updated ON trackState (updatedAt);
                CREATE INDEX trackState_worker ON trackState (workerID);
                CREATE TABLE liveEvent (
                  id INTEGER PRIMARY KEY AUTOINCREMENT, time DATETIME NOT NULL, kind TEXT NOT NULL,
                  data TEXT NOT NULL, workerID INTEGER);
                CREATE INDEX liveEvent_time ON liveEvent (time);
                CREATE INDEX liveEvent_worker ON liveEvent (workerID);
                ALTER TABLE galleryVersion ADD COLUMN publishedAt DATETIME;
                """)
        }
        migrator.registerMigration("v10-notification-deliveries") { db in
            // Every notification sent, per channel (MQTT topic or webhook), with how its delivery ended.
            try db.execute(sql: """
                CREATE TABLE notificationDelivery (
                  id INTEGER PRIMARY KEY AUTOINCREMENT, eventKey TEXT NOT NULL, kind TEXT NOT NULL,
                  eventTime DATETIME NOT NULL, siteID TEXT, message TEXT NOT NULL, channel TEXT NOT NULL,
                  target TEXT NOT NULL, outcome TEXT NOT NULL, attempts INTEGER NOT NULL, httpStatus INTEGER,
                  lastError TEXT, finishedAt DATETIME NOT NULL);
                CREATE INDEX notificationDelivery_event ON notificationDelivery (eventKey);
                """)
        }
        return migrator
    }
}
