// API tokens: random secrets shown once, stored only as SHA-256 hashes.
import Crypto
import Foundation

/// Creates and checks bearer tokens.
public struct TokenIssuer: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// Creates a token; returns its secret (shown once, never stored) and its record.
    public func create(name: String, role: Role) async throws(CloudError) -> (secret: String, token: APIToken) {
        guard !name.isEmpty, name.count <= 100 else {
            throw CloudError(.badRequest, "a token name is 1-100 characters", subject: "name")
        }
        var generator = SystemRandomNumberGenerator()
        let secret = "rc_" + (0 ..< 32).map { _ in String(format: "%02x", UInt8.random(in: 0 ... 255, using: &generator)) }
            .joined()
        let token = try await store.insertToken(name: name, role: role, secretHash: Self.hash(secret))
        return (secret, token)
    }

    /// The live token with this secret, or nil.
    public func verify(_ secret: String) async throws(CloudError) -> APIToken? {
        guard secret.hasPrefix("rc_"), secret.count <= 200 else { return nil }
        return try await store.token(secretHash: Self.hash(secret))
    }

    /// Hex SHA-256 of a secret.
    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
