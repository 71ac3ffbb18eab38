// Bearer-token authentication of the JSON API (never a cookie: a browser attaches cookies to requests other
// sites make, it never attaches a bearer token), failed attempts limited per client address, and the rule
// that every write needs the admin role.
import Foundation
import Hummingbird

/// Reads `Authorization: Bearer <token>`, checks it (live: not revoked, not expired), and stores it in the
/// context; a request without a valid token is refused (401). Too many failures from one address answer 429.
/// With `writesNeedAdmin`, every method but GET/HEAD (and the read-only paths given) needs the admin role (403).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = CloudRequestContext
    let tokens: TokenIssuer
    let throttle: LoginThrottle
    let origin: RequestOrigin
    var writesNeedAdmin = true
    /// POST paths that only read (e.g. `/api/v1/recognize`).
    var readOnlyPosts: Set<String> = []

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let secret = Self.bearer(in: request) else {
            throw CloudError(.unauthorized, "an Authorization: Bearer token is required (the API takes no cookie)")
        }
        let address = origin.clientAddress(request, context: context)
        try throttle.check(address)
        guard let token = try await tokens.verify(secret) else {
            throttle.recordFailure(address)
            throw CloudError(.unauthorized, "unknown, expired or revoked token")
        }
        var context = context
        context.token = token
        let reads: Set<HTTPRequest.Method> = [.get, .head]
        if writesNeedAdmin, !reads.contains(request.method), !readOnlyPosts.contains(request.uri.path) {
            try context.require(.admin)
        }
        return try await next(request, context)
    }

    /// The bearer secret of a request, nil without one.
    static func bearer(in request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }
}
