import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Tokens expire, can be revoked (API and `rollcall token`), and record their last use; dashboard sessions live
/// in the database (any cloud process on it knows them), expire, and end with their token.
@Suite struct TokenLifecycleTests {
    @Test func expiryRevocationAndLastUse() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let issuer = TokenIssuer(store: env.store)
        let (secret, token) = try await issuer.create(name: "short", role: .viewer, expiresIn: 3600)
        // Last use: written on the first use, then at most once a minute.
        let first = Date()
        _ = try await issuer.verify(secret, at: first)
        var stored = try #require(try await issuer.list().first { $0.id == token.id })
        #expect(stored.lastUsedAt.map { abs($0.timeIntervalSince(first)) < 0.01 } == true)
        _ = try await issuer.verify(secret, at: first.addingTimeInterval(10))
        stored = try #require(try await issuer.list().first { $0.id == token.id })
        #expect(stored.lastUsedAt.map { abs($0.timeIntervalSince(first)) < 0.01 } == true)
        _ = try await issuer.verify(secret, at: first.addingTimeInterval(61))
        stored = try #require(try await issuer.list().first { $0.id == token.id })
        #expect(stored.lastUsedAt.map { $0.timeIntervalSince(first) > 60 } == true)

        // Expired at its expiry; wrong and absurdly long secrets are nobody's.
        let expiry = try #require(token.expiresAt)
        #expect(try await issuer.verify(secret, at: expiry.addingTimeInterval(-1)) != nil)
        #expect(try await issuer.verify(secret, at: expiry.addingTimeInterval(1)) == nil)   // (stored to the ms)
        #expect(try await issuer.verify(secret + "0") == nil)
        #expect(try await issuer.verify("rc_" + String(repeating: "a", count: 5000)) == nil)

        // Revoked: refused at once, and its dashboard sessions end.
        let sessions = DashboardSessions(store: env.store, lifetime: 3600)
        let (cookie, _) = try await sessions.start(for: token)
        #expect(try await sessions.find(cookie) != nil)
        _ = try await issuer.revoke(id: try #require(token.id), actor: "test")
        #expect(try await issuer.verify(secret) == nil)
        #expect(try await sessions.find(cookie) == nil)
        await #expect(throws: CloudError.self) { _ = try await issuer.revoke(id: 9999, actor: "test") }
        #expect(try await env.store.auditLog(limit: 10).contains { $0.action == "token.revoke" })
    }

    @Test func sessionsLiveInTheDatabaseAndExpire() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let token = try #require(try await TokenIssuer(store: env.store).list().first { $0.role == .admin })
        let start = Date()
        let (cookie, session) = try await DashboardSessions(store: env.store, lifetime: 600).start(for: token, at: start)
        // Another cloud process: its own store on the same database file.
        let other = DashboardSessions(store: try SQLiteStore(path: env.config.storage.database), lifetime: 600)
        let found = try #require(try await other.find(cookie, at: start.addingTimeInterval(1)))
        #expect(found.csrfToken == session.csrfToken && found.token.id == token.id)
        #expect(try await other.find(cookie, at: start.addingTimeInterval(599)) != nil)
        #expect(try await other.find(cookie, at: start.addingTimeInterval(601)) == nil)   // (stored to the millisecond)
        #expect(try await other.find("not-a-session") == nil)
        #expect(try await other.find(String(repeating: "0", count: 64)) == nil)
        try await other.end(cookie)
        #expect(try await DashboardSessions(store: env.store, lifetime: 600).find(cookie, at: start) == nil)
    }

    @Test func tokensThroughTheAPI() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.withApp { client in
            try await client.execute(uri: "/api/v1/tokens", method: .get, headers: auth(env.viewerToken)) {
                #expect($0.status == .forbidden)
            }
            let created = try await client.execute(uri: "/api/v1/tokens", method: .post, headers: json(env.adminToken),
                                                   body: ByteBuffer(string: #"{"name":"ci","role":"viewer","expiresInDays":1}"#)) { response in
                #expect(response.status == .created)
                return try response.decode(CreatedJSON.self)
            }
            #expect(created.secret.hasPrefix("rc_") && created.token.live && created.token.expiresAt != nil)
            try await client.execute(uri: "/api/v1/workers", method: .get, headers: auth(created.secret)) {
                #expect($0.status == .ok)
            }
            let listed = try await client.execute(uri: "/api/v1/tokens", method: .get, headers: auth(env.adminToken)) {
                try $0.decode([TokenJSON].self)
            }
            #expect(listed.map(\.name).contains("ci"))
            #expect(listed.first { $0.name == "ci" }?.lastUsedAt != nil)
            #expect(!(try await client.execute(uri: "/api/v1/tokens", method: .get, headers: auth(env.adminToken)) { $0.text })
                .contains(created.secret))
            try await client.execute(uri: "/api/v1/tokens/\(created.token.id)", method: .delete, headers: auth(env.adminToken)) { response throws in
                #expect(response.status == .ok)
                let view = try response.decode(TokenJSON.self)
                #expect(view.live == false)
            }
            try await client.execute(uri: "/api/v1/workers", method: .get, headers: auth(created.secret)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/tokens", method: .post, headers: json(env.adminToken),
                                     body: ByteBuffer(string: #"{"name":"bad\nname","role":"admin"}"#)) {
                #expect($0.status == .badRequest)
            }
        }
    }

    @Test func tokensThroughTheCLI() async throws {
        let binary = try BuiltProducts.path("rollcall")
        let env = try await TestEnvironment()
        defer { env.remove() }
        let config = env.root.appendingPathComponent("cloud.yaml")
        try "storage: {database: \(env.config.storage.database)}\n".write(to: config, atomically: true, encoding: .utf8)
        func rollcall(_ arguments: [String]) throws -> (status: Int32, output: String) {
            let result = try Tool.run(binary, arguments)
            return (result.status, result.standardOutput + result.standardError)
        }
        let created = try rollcall(["token", "create", "--config", config.path, "--role", "viewer", "--name", "cli-made",
                                    "--expires-in-days", "2", "--json"])
        #expect(created.status == 0, "\(created.output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any])
        let id = try #require(object["id"] as? Int)
        let secret = try #require(object["token"] as? String)
        #expect(object["expiresAt"] is String)
        #expect(try await TokenIssuer(store: env.store).verify(secret) != nil)

        let listed = try rollcall(["token", "list", "--config", config.path])
        #expect(listed.status == 0)
        let row = try #require(listed.output.split(separator: "\n").first { $0.contains("cli-made") })
        #expect(row.contains("\tlive\t") && !listed.output.contains(secret))

        let revoked = try rollcall(["token", "revoke", "--config", config.path, "\(id)"])
        #expect(revoked.status == 0, "\(revoked.output)")
        #expect(try await TokenIssuer(store: env.store).verify(secret) == nil)
        #expect(try rollcall(["token", "list", "--config", config.path]).output.contains("cli-made\tviewer\trevoked"))
        #expect(try rollcall(["token", "revoke", "--config", config.path, "424242"]).status != 0)
    }
}

private struct TokenJSON: Decodable {
    var id: Int64
    var name: String
    var role: String
    var expiresAt: Date?
    var lastUsedAt: Date?
    var live: Bool
}

private struct CreatedJSON: Decodable {
    var token: TokenJSON
    var secret: String
}
