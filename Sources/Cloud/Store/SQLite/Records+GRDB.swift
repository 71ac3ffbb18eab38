// How the store's value types map to SQLite rows (GRDB records). Only the SQLite store sees GRDB; the `Store`
// protocol and its callers deal in the plain value types.
import GRDB

extension Site: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "site"
}

extension AgentRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "agent"
}

extension Worker: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "worker"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension EnrollmentPhoto: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "enrollmentPhoto"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension GalleryVersion: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "galleryVersion"
}

extension GalleryAck: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "galleryAck"
}

extension Detection: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "detection"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension APIToken: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "apiToken"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AuditEntry: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "auditLog"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension FaceSightingRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "faceSighting"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Role: DatabaseValueConvertible {}
extension EdgeAgreement: DatabaseValueConvertible {}
