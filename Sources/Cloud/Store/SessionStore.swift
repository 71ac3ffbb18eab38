// What the cloud keeps about dashboard sessions: in the database, so every cloud process behind one dashboard
// address knows every session.
import Foundation

/// One logged-in dashboard browser. The cookie holds a random session id; only its SHA-256 is stored.
public struct DashboardSession: Codable, Sendable, Equatable {
    /// Hex SHA-256 of the session id in the browser's cookie.
    public var idHash: String
    /// The API token that logged in; the session ends when it is revoked or expires.
    public var tokenID: Int64
    /// The anti-forgery token every form of this session carries.
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(idHash: String, tokenID: Int64, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.idHash = idHash
        self.tokenID = tokenID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Dashboard sessions, shared by every cloud process on one database.
public protocol SessionStore: Sendable {
    func insertSession(_ session: DashboardSession) async throws(CloudError)
    /// The session with this id hash and its token, when the session has not expired at `time` and its token
    /// is live; nil otherwise.
    func session(idHash: String, at time: Date) async throws(CloudError) -> (session: DashboardSession, token: APIToken)?
    /// Ends a session (logout). Ending an unknown one changes nothing.
    func deleteSession(idHash: String) async throws(CloudError)
    /// Removes sessions that expired before `time`; returns how many.
    func deleteExpiredSessions(before time: Date) async throws(CloudError) -> Int
}
