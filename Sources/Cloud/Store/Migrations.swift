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
        migrator.registerMigration("v3-face-sightings") { db in
            // Tracks an agent followed without ever sending a crop (faces too small or too poor): image-free.
            try db.create(table: "faceSighting") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("messageID", .text).notNull().unique()
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
            }
        }
        return migrator
    }
}
