// API tokens: random secrets shown once, stored only as SHA-256 hashes; they expire, can be revoked, and
// record when they were last used.
import Crypto
import Foundation

/// Creates, checks, lists and revokes bearer tokens.
public struct TokenIssuer: Sendable {
    let store: any Store
    /// A token's last use is written at most this often (seconds), so that reads do not become writes.
    static let useRecordingInterval: TimeInterval = 60
    /// The longest secret ever accepted; longer ones are refused before hashing.
    public static let maxSecretLength = 200

    public init(store: any Store) {
        self.store = store
    }

    /// Creates a token; returns its secret (shown once, never stored) and its record. `expiresIn` (seconds;
    /// nil: never) sets its expiry.
    public func create(name: String, role: Role, expiresIn: TimeInterval? = nil,
                       actor: String = "cli") async throws(CloudError) -> (secret: String, token: APIToken) {
        guard !name.isEmpty, name.count <= 100 else {
            throw CloudError(.badRequest, "a token name is 1-100 characters", subject: "name")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CloudError(.badRequest, "a token name may not contain control characters", subject: "name")
        }
        if let expiresIn, !(expiresIn > 0 && expiresIn <= 10 * 366 * 86_400) {
            throw CloudError(.badRequest, "a token expires after 1 second to 10 years", subject: "expiresIn")
        }
        let secret = "rc_" + Self.randomHex(bytes: 32)
        let token = try await store.insertToken(name: name, role: role, secretHash: Self.hash(secret),
                                                expiresAt: expiresIn.map { Date().addingTimeInterval($0) },
                                                actor: actor)
        return (secret, token)
    }

    /// The live token with this secret (not revoked, not expired), or nil; records its use.
    public func verify(_ secret: String, at time: Date = Date()) async throws(CloudError) -> APIToken? {
        guard secret.hasPrefix("rc_"), secret.utf8.count <= Self.maxSecretLength else { return nil }
        guard let token = try await store.token(secretHash: Self.hash(secret)), token.isLive(at: time) else {
            return nil
        }
        try await recordUse(of: token, at: time)
        return token
    }

    /// Writes the token's last use when the stored one is older than `useRecordingInterval`.
    func recordUse(of token: APIToken, at time: Date) async throws(CloudError) {
        guard let id = token.id else { return }
        if let last = token.lastUsedAt, time.timeIntervalSince(last) < Self.useRecordingInterval { return }
        try await store.recordTokenUse(id: id, at: time)
    }

    /// Every token, newest first.
    public func list() async throws(CloudError) -> [APIToken] {
        try await store.tokens()
    }

    /// Revokes a token and ends its dashboard sessions; throws `.notFound` when there is no such token.
    public func revoke(id: Int64, actor: String) async throws(CloudError) -> APIToken {
        guard let token = try await store.revokeToken(id: id, at: Date(), actor: actor) else {
            throw CloudError(.notFound, "no such token", subject: "token:\(id)")
        }
        return token
    }

    /// Hex SHA-256 of a secret.
    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// `bytes` random bytes from the system's generator, as hex.
    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0 ..< bytes).map { _ in String(format: "%02x", UInt8.random(in: 0 ... 255, using: &generator)) }
            .joined()
    }
}
