// What the cloud keeps about API tokens beyond creating and finding one: expiry, revocation, last use.
import Foundation

/// API tokens' life cycle. A token is live until it is revoked or its `expiresAt` passes; dashboard sessions
/// made with it (`SessionStore`) end with it.
public protocol TokenStore: Sendable {
    /// Stores a token (only its secret's hash) with an optional expiry; audits it as `actor`.
    func insertToken(name: String, role: Role, secretHash: String, expiresAt: Date?,
                     actor: String) async throws(CloudError) -> APIToken
    /// Every token, newest first, revoked and expired ones included.
    func tokens() async throws(CloudError) -> [APIToken]
    /// Revokes a token (and ends its dashboard sessions); audits it. Returns the token, nil when there is none
    /// with this id. Revoking a revoked token changes nothing.
    func revokeToken(id: Int64, at time: Date, actor: String) async throws(CloudError) -> APIToken?
    /// Records that a token authenticated a request at `time`.
    func recordTokenUse(id: Int64, at time: Date) async throws(CloudError)
}

extension APIToken {
    /// Whether the token may authenticate at `time`: not revoked and not expired.
    public func isLive(at time: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { time < $0 } ?? true)
    }
}
