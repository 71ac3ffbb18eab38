// Bearer-token (or dashboard cookie) authentication, and the rule that every write needs the admin role.
import Foundation
import Hummingbird

/// Reads `Authorization: Bearer <token>` (or the dashboard's `rollcall_token` cookie), checks it, and
/// stores it in the context. With `requireToken`, a request without a valid token is refused (401); with
/// `writesNeedAdmin`, every method but GET/HEAD (and the read-only paths given) needs the admin role (403).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = CloudRequestContext
    let tokens: TokenIssuer
    var requireToken = true
    var writesNeedAdmin = true
    /// POST paths that only read (e.g. `/api/v1/recognize`).
    var readOnlyPosts: Set<String> = []

    static let cookieName = "rollcall_token"

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let secret = Self.secret(in: request) {
            context.token = try await tokens.verify(secret)
            if context.token == nil, requireToken {
                throw CloudError(.unauthorized, "unknown or revoked token")
            }
        }
        if requireToken {
            try context.require(.viewer)
        }
        let reads: Set<HTTPRequest.Method> = [.get, .head]
        if writesNeedAdmin, !reads.contains(request.method), !readOnlyPosts.contains(request.uri.path) {
            try context.require(.admin)
        }
        return try await next(request, context)
    }

    /// The token secret of a request: the bearer header first, then the cookie.
    static func secret(in request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]) }
            return nil
        }
        for cookieHeader in request.headers[values: .cookie] {
            for pair in cookieHeader.split(separator: ";") {
                let kv = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == cookieName { return String(kv[1]) }
            }
        }
        return nil
    }
}
