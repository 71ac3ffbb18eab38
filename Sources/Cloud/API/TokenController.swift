// The token routes of the JSON API (admin only): list with last use, create with an expiry, revoke.
import Foundation
import Hummingbird

/// A token as the API shows it (never its secret or hash).
struct TokenView: Codable, Sendable, ResponseEncodable {
    var id: Int64
    var name: String
    var role: Role
    var createdAt: Date
    var expiresAt: Date?
    var revokedAt: Date?
    var lastUsedAt: Date?
    /// Not revoked and not expired now.
    var live: Bool

    init(_ token: APIToken, at time: Date = Date()) {
        id = token.id ?? 0
        name = token.name
        role = token.role
        createdAt = token.createdAt
        expiresAt = token.expiresAt
        revokedAt = token.revokedAt
        lastUsedAt = token.lastUsedAt
        live = token.isLive(at: time)
    }
}

struct CreateTokenRequest: Codable, Sendable {
    var name: String
    var role: Role
    /// Days until it expires; absent: never.
    var expiresInDays: Double?
}

/// A created token: its secret appears here once and nowhere else.
struct TokenCreated: Codable, Sendable, ResponseEncodable {
    var token: TokenView
    var secret: String
}

/// Registers `/api/v1/tokens`.
struct TokenController {
    let tokens: TokenIssuer
    let config: CloudConfig

    func register(on group: RouterGroup<CloudRequestContext>) {
        group.get("tokens", use: list)
        group.post("tokens", use: create)
        group.delete("tokens/:id", use: revoke)
    }

    @Sendable func list(_ request: Request, context: CloudRequestContext) async throws -> [TokenView] {
        try context.require(.admin)
        let now = Date()
        return try await tokens.list().map { TokenView($0, at: now) }
    }

    @Sendable func create(_ request: Request,
                          context: CloudRequestContext) async throws -> EditedResponse<TokenCreated> {
        try context.require(.admin)
        let body = try await request.decodeJSON(as: CreateTokenRequest.self, context: context,
                                                limit: config.http.maxJSONBytes)
        let (secret, token) = try await tokens.create(name: body.name, role: body.role,
                                                      expiresIn: body.expiresInDays.map { $0 * 86_400 },
                                                      actor: context.actor)
        return EditedResponse(status: .created, response: TokenCreated(token: TokenView(token), secret: secret))
    }

    @Sendable func revoke(_ request: Request, context: CloudRequestContext) async throws -> TokenView {
        try context.require(.admin)
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw CloudError(.badRequest, "expected a positive integer", subject: "id")
        }
        return TokenView(try await tokens.revoke(id: id, actor: context.actor))
    }
}
