// Per-request state of the HTTP server: the caller's token (after authentication), the dashboard session, the
// peer's address, and JSON coders.
import Foundation
import Hummingbird

/// The request context of every route: who is calling, and ISO-8601 JSON.
public struct CloudRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated token, set by `AuthMiddleware` (bearer) or `SessionMiddleware` (dashboard cookie).
    public var token: APIToken?
    /// The dashboard session, set by `SessionMiddleware` on dashboard routes.
    public var session: DashboardSessions.Active?
    /// The TCP peer's IP address (the reverse proxy's, when there is one), nil when unknown.
    public let peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        token = nil
        session = nil
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    public var requestDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// The caller's name for the audit log.
    public var actor: String { token.map { "token:\($0.name)" } ?? "anonymous" }

    /// Throws unless the caller holds `role` (admin satisfies every role).
    public func require(_ role: Role) throws(CloudError) {
        guard let token else { throw CloudError(.unauthorized, "a bearer token is required") }
        if role == .admin, token.role != .admin {
            throw CloudError(.forbidden, "this needs the admin role; the token is \(token.role.rawValue)")
        }
    }
}
