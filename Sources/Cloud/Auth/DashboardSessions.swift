// Dashboard logins: a random session id in an HttpOnly cookie (never the API token), kept in the database
// with an expiry and an anti-forgery token for the session's forms.
import Crypto
import Foundation

/// Starts, finds and ends dashboard sessions.
public struct DashboardSessions: Sendable {
    let store: any Store
    /// How long a session lasts after login.
    let lifetime: TimeInterval

    /// The session cookie's name.
    public static let cookieName = "rollcall_session"

    public init(store: any Store, lifetime: TimeInterval) {
        self.store = store
        self.lifetime = lifetime
    }

    /// A session as a request sees it.
    public struct Active: Sendable, Equatable {
        public var token: APIToken
        public var csrfToken: String
        public var expiresAt: Date
    }

    /// Starts a session for a verified token; returns the cookie value (the session id) and the session.
    public func start(for token: APIToken,
                      at time: Date = Date()) async throws(CloudError) -> (id: String, session: Active) {
        guard let tokenID = token.id else { throw CloudError(.storage, "token without an id") }
        let id = TokenIssuer.randomHex(bytes: 32)
        let csrf = TokenIssuer.randomHex(bytes: 32)
        let expiry = time.addingTimeInterval(lifetime)
        try await store.insertSession(DashboardSession(idHash: TokenIssuer.hash(id), tokenID: tokenID, csrfToken: csrf,
                                                       createdAt: time, expiresAt: expiry))
        // An occasional sweep keeps the table small; sessions are checked for expiry on every use anyway.
        _ = try await store.deleteExpiredSessions(before: time)
        return (id, Active(token: token, csrfToken: csrf, expiresAt: expiry))
    }

    /// The live session for a cookie value, or nil (unknown, expired, or its token revoked or expired).
    public func find(_ id: String, at time: Date = Date()) async throws(CloudError) -> Active? {
        guard id.utf8.count == 64, id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            return nil
        }
        guard let found = try await store.session(idHash: TokenIssuer.hash(id), at: time) else { return nil }
        return Active(token: found.token, csrfToken: found.session.csrfToken, expiresAt: found.session.expiresAt)
    }

    /// Ends a session (logout).
    public func end(_ id: String) async throws(CloudError) {
        try await store.deleteSession(idHash: TokenIssuer.hash(id))
    }

    /// Whether two secrets are equal, in time that does not depend on where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
