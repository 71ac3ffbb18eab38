// `TokenStore` on PostgreSQL: expiry, revocation (ending the token's dashboard sessions) and last use.
import Foundation
import PostgresNIO

extension PostgresStore {
    public func insertToken(name: String, role: Role, secretHash: String, expiresAt: Date?,
                            actor: String) async throws(CloudError) -> APIToken {
        let logger = self.logger
        return try await transaction("insert token") { connection in
            let now = Date()
            let id = try await Self.rows(connection, """
                INSERT INTO api_token (name, role, secret_hash, created_at, expires_at)
                VALUES (\(name), \(role.rawValue), \(secretHash), \(now), \(expiresAt)) RETURNING id
                """, logger: logger) { try $0.value("id", as: Int64.self) }.first
            var detail = ["name": name, "role": role.rawValue]
            detail["expiresAt"] = expiresAt.map { ISO8601DateFormatter().string(from: $0) }
            try await Self.insertAudit(AuditEntry(actor: actor, action: "token.create", subject: "token:\(id ?? 0)",
                                                  detail: AuditDetail.json(detail)),
                                       on: connection, logger: logger)
            return APIToken(id: id, name: name, role: role, secretHash: secretHash, createdAt: now, revokedAt: nil,
                            expiresAt: expiresAt)
        }
    }

    public func tokens() async throws(CloudError) -> [APIToken] {
        try await rows("tokens", "SELECT * FROM api_token ORDER BY id DESC", Self.token)
    }

    public func revokeToken(id: Int64, at time: Date, actor: String) async throws(CloudError) -> APIToken? {
        let logger = self.logger
        return try await transaction("revoke token") { connection in
            guard var token = try await Self.rows(connection, "SELECT * FROM api_token WHERE id = \(id) FOR UPDATE",
                                                  logger: logger, Self.token).first else { return nil }
            guard token.revokedAt == nil else { return token }
            try await connection.query("UPDATE api_token SET revoked_at = \(time) WHERE id = \(id)", logger: logger)
            token.revokedAt = time
            let ended = try await Self.rows(connection, """
                DELETE FROM dashboard_session WHERE token_id = \(id) RETURNING id_hash
                """, logger: logger) { try $0.value("id_hash", as: String.self) }.count
            try await Self.insertAudit(AuditEntry(actor: actor, action: "token.revoke", subject: "token:\(id)",
                                                  detail: AuditDetail.json(["name": token.name,
                                                                            "sessionsEnded": "\(ended)"])),
                                       on: connection, logger: logger)
            return token
        }
    }

    public func recordTokenUse(id: Int64, at time: Date) async throws(CloudError) {
        let logger = self.logger
        _ = try await perform("record token use") { client in
            try await client.query("UPDATE api_token SET last_used_at = \(time) WHERE id = \(id)", logger: logger)
        }
    }
}
