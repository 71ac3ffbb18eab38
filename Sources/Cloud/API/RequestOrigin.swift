// Where a request came from, as far as the server can tell: the scheme the browser used, the origin it was
// sent from, the client's address. Behind a reverse proxy the forwarded headers count only when trusted.
import Foundation
import Hummingbird

/// Reads a request's origin, scheme and client address under the dashboard settings.
struct RequestOrigin: Sendable {
    let settings: CloudConfig.Dashboard

    /// Whether the browser reached us over HTTPS.
    func isHTTPS(_ request: Request) -> Bool {
        if let origin = settings.publicOrigin { return origin.hasPrefix("https://") }
        if settings.trustForwardedHeaders, let proto = request.headers[.xForwardedProto] {
            return proto.split(separator: ",").first?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
        }
        return request.head.scheme?.lowercased() == "https"
    }

    /// Whether cookies set in answer to `request` carry `Secure`.
    func secureCookies(_ request: Request) -> Bool {
        switch settings.secureCookies {
        case .always: true
        case .never: false
        case .auto: isHTTPS(request)
        }
    }

    /// The origin this server is reached at: `public_url`'s, else the request's scheme and `Host`.
    func expectedOrigin(_ request: Request) -> String? {
        if let origin = settings.publicOrigin { return origin }
        guard let host = request.head.authority else { return nil }
        return (isHTTPS(request) ? "https://" : "http://") + host.lowercased()
    }

    /// Why a state-changing request must be refused as coming from another site, or nil when it came from
    /// this one. The `Origin` header decides; without one, the `Referer`'s origin; without either, `required`
    /// decides (browsers send `Origin` on every POST form submission, other clients send neither).
    func crossSiteRefusal(_ request: Request, required: Bool) -> String? {
        let claimed: String
        if let origin = request.headers[.origin] {
            claimed = origin.lowercased()
        } else if let referer = request.headers[.referer], let url = URL(string: referer), let scheme = url.scheme,
                  let host = url.host {
            claimed = "\(scheme)://\(host)".lowercased() + (url.port.map { ":\($0)" } ?? "")
        } else {
            return required ? "the request names no Origin (sent by browsers on every form submission)" : nil
        }
        guard let expected = expectedOrigin(request) else { return "the request names no Host" }
        return Self.sameOrigin(claimed, expected) ? nil : "origin \(claimed) is not \(expected)"
    }

    /// Origins compared with default ports made explicit.
    static func sameOrigin(_ a: String, _ b: String) -> Bool {
        normalized(a) == normalized(b)
    }

    private static func normalized(_ origin: String) -> String {
        if origin.hasPrefix("http://"), origin.hasSuffix(":80") { return String(origin.dropLast(3)) }
        if origin.hasPrefix("https://"), origin.hasSuffix(":443") { return String(origin.dropLast(4)) }
        return origin
    }

    /// The client's address for rate limiting: the last `X-Forwarded-For` hop when forwarded headers are
    /// trusted, else the TCP peer.
    func clientAddress(_ request: Request, context: CloudRequestContext) -> String {
        if settings.trustForwardedHeaders, let forwarded = request.headers[.xForwardedFor],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return last
        }
        return context.peerAddress ?? "unknown"
    }
}

extension HTTPFields.Element.Name {
    static let xForwardedProto = Self("X-Forwarded-Proto")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
