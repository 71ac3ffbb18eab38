// Response headers that tell browsers what this server's pages may do: no framing, no content sniffing, no
// script or style but the dashboard's own files, no referrer leaving the site.
import Foundation
import Hummingbird

/// Adds the security headers to every response (those a route set itself are kept).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = CloudRequestContext
    let origin: RequestOrigin

    /// Only this server's script, styles, images and event stream; forms post only here; never in a frame.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        func set(_ name: HTTPFields.Element.Name, _ value: String) {
            if response.headers[name] == nil { response.headers[name] = value }
        }
        set(.contentSecurityPolicy, Self.contentSecurityPolicy)
        set(.xFrameOptions, "DENY")
        set(.xContentTypeOptions, "nosniff")
        set(.referrerPolicy, "same-origin")
        set(.crossOriginOpenerPolicy, "same-origin")
        if response.headers[.contentType]?.hasPrefix("text/html") == true { set(.cacheControl, "no-store") }
        if origin.isHTTPS(request) { set(.strictTransportSecurity, "max-age=31536000") }
        return response
    }
}

extension HTTPFields.Element.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
}
