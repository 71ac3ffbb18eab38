// `TokenStore` on SQLite: expiry, revocation (ending the token's dashboard sessions) and last use.
import Foundation
import GRDB

extension SQLiteStore {
    public func insertToken(name: String, role: Role, secretHash: String, expiresAt: Date?,
                            actor: String) async throws(CloudError) -> APIToken {
        try await write { db in
            var token = APIToken(id: nil, name: name, role: role, secretHash: secretHash, createdAt: Date(),
                                 revokedAt: nil, expiresAt: expiresAt)
            try token.insert(db)
            var detail = ["name": name, "role": role.rawValue]
            detail["expiresAt"] = expiresAt.map { ISO8601DateFormatter().string(from: $0) }
            var entry = AuditEntry(actor: actor, action: "token.create", subject: "token:\(token.id ?? 0)",
                                   detail: AuditDetail.json(detail))
            try entry.insert(db)
            return token
        }
    }

    public func tokens() async throws(CloudError) -> [APIToken] {
        try await read { db in try APIToken.order(Column("id").desc).fetchAll(db) }
    }

    public func revokeToken(id: Int64, at time: Date, actor: String) async throws(CloudError) -> APIToken? {
        try await write { db in
            guard var token = try APIToken.fetchOne(db, key: id) else { return nil }
            guard token.revokedAt == nil else { return token }
            token.revokedAt = time
            try token.update(db)
            let ended = try DashboardSession.filter(Column("tokenID") == id).deleteAll(db)
            var entry = AuditEntry(actor: actor, action: "token.revoke", subject: "token:\(id)",
                                   detail: AuditDetail.json(["name": token.name, "sessionsEnded": "\(ended)"]))
            try entry.insert(db)
            return token
        }
    }

    public func recordTokenUse(id: Int64, at time: Date) async throws(CloudError) {
        try await write { db in
            try APIToken.filter(key: id).updateAll(db, Column("lastUsedAt").set(to: time))
        }
    }
}
