// API tokens and the audit log on PostgreSQL.
import Foundation
import PostgresNIO

extension PostgresStore {
    static func token(_ row: PostgresRandomAccessRow) throws -> APIToken {
        APIToken(id: try row.value("id", as: Int64.self), name: try row.value("name"),
                 role: Role(rawValue: try row.value("role", as: String.self)) ?? .viewer,
                 secretHash: try row.value("secret_hash"), createdAt: try row.value("created_at"),
                 revokedAt: try row.value("revoked_at"), expiresAt: try row.value("expires_at"),
                 lastUsedAt: try row.value("last_used_at"))
    }

    public func insertToken(name: String, role: Role, secretHash: String) async throws(CloudError) -> APIToken {
        let logger = self.logger
        return try await transaction("insert token") { connection in
            let now = Date()
            let id = try await Self.rows(connection, """
                INSERT INTO api_token (name, role, secret_hash, created_at)
                VALUES (\(name), \(role.rawValue), \(secretHash), \(now)) RETURNING id
                """, logger: logger) { try $0.value("id", as: Int64.self) }.first
            try await Self.insertAudit(AuditEntry(actor: "cli", action: "token.create", subject: "token:\(id ?? 0)",
                                                  detail: AuditDetail.json(["name": name, "role": role.rawValue])),
                                       on: connection, logger: logger)
            return APIToken(id: id, name: name, role: role, secretHash: secretHash, createdAt: now, revokedAt: nil)
        }
    }

    public func token(secretHash: String) async throws(CloudError) -> APIToken? {
        try await rows("token", """
            SELECT * FROM api_token WHERE secret_hash = \(secretHash) AND revoked_at IS NULL
            """, Self.token).first
    }

    public func audit(_ entry: AuditEntry) async throws(CloudError) {
        let logger = self.logger
        _ = try await perform("audit") { client in
            try await client.withConnection { connection in
                try await Self.insertAudit(entry, on: connection, logger: logger)
            }
        }
    }

    public func auditLog(limit: Int) async throws(CloudError) -> [AuditEntry] {
        try await rows("audit log", "SELECT * FROM audit_log ORDER BY id DESC LIMIT \(limit)") { row in
            AuditEntry(id: try row.value("id", as: Int64.self), time: try row.value("time"), actor: try row.value("actor"),
                       action: try row.value("action"), subject: try row.value("subject"),
                       detail: try row.value("detail"))
        }
    }
}
