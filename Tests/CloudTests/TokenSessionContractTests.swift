import Cloud
import Foundation
import Testing

/// The `TokenStore` and `SessionStore` contract, on SQLite and on PostgreSQL (a throwaway server): tokens with
/// expiry, last use and revocation; sessions that expire, end on logout and end with their token.
@Suite struct TokenSessionContractTests {
    @Test(arguments: StoreKind.allCases)
    func tokensAndSessions(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let issuer = TokenIssuer(store: env.store)
        let (secret, token) = try await issuer.create(name: "ops", role: .admin, expiresIn: 3600, actor: "test")
        let tokenID = try #require(token.id)
        let expiry = try #require(token.expiresAt)
        #expect(try await issuer.verify(secret, at: expiry.addingTimeInterval(-5))?.id == tokenID)
        #expect(try await issuer.verify(secret, at: expiry.addingTimeInterval(1)) == nil)
        let listed = try #require(try await issuer.list().first { $0.id == tokenID })
        #expect(listed.lastUsedAt != nil && listed.expiresAt != nil && listed.revokedAt == nil)
        let (never, _) = try await issuer.create(name: "forever", role: .viewer, actor: "test")
        #expect(try await issuer.verify(never, at: Date().addingTimeInterval(86_400 * 3650)) != nil)
        #expect(try await issuer.list().map(\.name).prefix(2) == ["forever", "ops"])

        // Sessions: found while live, by any process on the store; gone after expiry, logout or revocation.
        let sessions = DashboardSessions(store: env.store, lifetime: 600)
        let start = Date()
        let (first, session) = try await sessions.start(for: token, at: start)
        let found = try #require(try await sessions.find(first, at: start.addingTimeInterval(10)))
        #expect(found.csrfToken == session.csrfToken && found.token.id == tokenID)
        #expect(try await sessions.find(first, at: start.addingTimeInterval(601)) == nil)
        try await sessions.end(first)
        #expect(try await sessions.find(first, at: start) == nil)
        let (second, _) = try await sessions.start(for: token, at: start)
        let (third, _) = try await sessions.start(for: token, at: start.addingTimeInterval(-700))   // already expired
        #expect(try await env.store.deleteExpiredSessions(before: start) >= 1)
        #expect(try await sessions.find(third, at: start) == nil)
        let revoked = try await issuer.revoke(id: tokenID, actor: "test")
        #expect(revoked.revokedAt != nil)
        #expect(try await sessions.find(second, at: start) == nil)
        #expect(try await issuer.verify(secret) == nil)
        let again = try await issuer.revoke(id: tokenID, actor: "test")   // revoking twice changes nothing
        #expect(abs((again.revokedAt ?? .distantPast).timeIntervalSince(revoked.revokedAt ?? .distantFuture)) < 0.01)
        await #expect(throws: CloudError.self) { _ = try await issuer.revoke(id: 999_999, actor: "test") }
        let actions = try await env.store.auditLog(limit: 10).map(\.action)
        #expect(actions.filter { $0 == "token.revoke" }.count == 1 && actions.contains("token.create"))
    }
}
