// `SessionStore` on PostgreSQL: the `dashboard_session` table (schema version 2).
import Foundation
import PostgresNIO

extension PostgresStore {
    public func insertSession(_ session: DashboardSession) async throws(CloudError) {
        let logger = self.logger
        _ = try await perform("insert session") { client in
            try await client.query("""
                INSERT INTO dashboard_session (id_hash, token_id, csrf_token, created_at, expires_at)
                VALUES (\(session.idHash), \(session.tokenID), \(session.csrfToken), \(session.createdAt),
                        \(session.expiresAt))
                """, logger: logger)
        }
    }

    public func session(idHash: String,
                        at time: Date) async throws(CloudError) -> (session: DashboardSession, token: APIToken)? {
        let found = try await rows("session", """
            SELECT s.id_hash, s.token_id, s.csrf_token, s.created_at AS session_created_at,
                   s.expires_at AS session_expires_at, t.*
            FROM dashboard_session s JOIN api_token t ON t.id = s.token_id
            WHERE s.id_hash = \(idHash) AND s.expires_at > \(time)
            """) { row in
            (DashboardSession(idHash: try row.value("id_hash"), tokenID: try row.value("token_id", as: Int64.self),
                              csrfToken: try row.value("csrf_token"), createdAt: try row.value("session_created_at"),
                              expiresAt: try row.value("session_expires_at")),
             try Self.token(row))
        }.first
        guard let found, found.1.isLive(at: time) else { return nil }
        return (found.0, found.1)
    }

    public func deleteSession(idHash: String) async throws(CloudError) {
        let logger = self.logger
        _ = try await perform("delete session") { client in
            try await client.query("DELETE FROM dashboard_session WHERE id_hash = \(idHash)", logger: logger)
        }
    }

    public func deleteExpiredSessions(before time: Date) async throws(CloudError) -> Int {
        let logger = self.logger
        return try await transaction("delete expired sessions") { connection in
            try await Self.rows(connection, """
                DELETE FROM dashboard_session WHERE expires_at < \(time) RETURNING id_hash
                """, logger: logger) { try $0.value("id_hash", as: String.self) }.count
        }
    }
}
