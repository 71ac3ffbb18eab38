// `SessionStore` on SQLite: the `dashboardSession` table (migration v5).
import Foundation
import GRDB

extension DashboardSession: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "dashboardSession"
}

extension SQLiteStore {
    public func insertSession(_ session: DashboardSession) async throws(CloudError) {
        try await write { db in try session.insert(db) }
    }

    public func session(idHash: String,
                        at time: Date) async throws(CloudError) -> (session: DashboardSession, token: APIToken)? {
        let found = try await read { db -> Found? in
            guard let session = try DashboardSession.fetchOne(db, key: idHash), time < session.expiresAt,
                  let token = try APIToken.fetchOne(db, key: session.tokenID), token.isLive(at: time) else { return nil }
            return Found(session: session, token: token)
        }
        return found.map { ($0.session, $0.token) }
    }

    public func deleteSession(idHash: String) async throws(CloudError) {
        _ = try await write { db in try DashboardSession.deleteOne(db, key: idHash) }
    }

    public func deleteExpiredSessions(before time: Date) async throws(CloudError) -> Int {
        try await write { db in try DashboardSession.filter(Column("expiresAt") < time).deleteAll(db) }
    }
}

private struct Found: Sendable {
    var session: DashboardSession
    var token: APIToken
}
