import Foundation

/// Where notifications are POSTed, with the secret their bodies are signed with and the events wanted.
public struct WebhookEndpoint: Sendable, Equatable {
    /// Longest accepted URL, in bytes.
    public static let maximumURLLength = 2048

    public var id: Int64?
    /// An http or https URL without credentials or fragment.
    public let url: URL
    /// The HMAC-SHA256 key of the signature header (16…256 bytes).
    public let secret: String
    /// The event kinds posted here.
    public var events: Set<NotificationEvent.Kind>

    /// A validated endpoint; throws `badRequest` naming the problem: a URL that is not http(s), has no host,
    /// carries credentials or a fragment, or is too long; a secret too short or too long; no events.
    public init(id: Int64? = nil, url text: String, secret: String,
                events: Set<NotificationEvent.Kind>) throws(CloudError) {
        let url = try Self.validate(url: text)
        guard (16 ... 256).contains(secret.utf8.count) else {
            throw CloudError(.badRequest, "the signing secret must be 16…256 bytes, not \(secret.utf8.count)", subject: "secret")
        }
        guard !events.isEmpty else {
            throw CloudError(.badRequest, "a webhook needs at least one event of \(NotificationEvent.Kind.allCases.map(\.rawValue))",
                             subject: "events")
        }
        self.id = id
        self.url = url
        self.secret = secret
        self.events = events
    }

    /// The URL of `text` when it may receive webhooks: http or https, with a host, without credentials or
    /// fragment, at most `maximumURLLength` bytes. Throws `badRequest` (subject `url`) naming the problem.
    public static func validate(url text: String) throws(CloudError) -> URL {
        let shown = String(text.prefix(80))
        guard text.utf8.count <= Self.maximumURLLength else {
            throw CloudError(.badRequest, "the webhook URL is \(text.utf8.count) bytes; at most \(Self.maximumURLLength)", subject: "url")
        }
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased() else {
            throw CloudError(.badRequest, "'\(shown)' is not a URL", subject: "url")
        }
        guard scheme == "http" || scheme == "https" else {
            throw CloudError(.badRequest, "the webhook URL must be http or https, not \(scheme): '\(shown)'", subject: "url")
        }
        guard let host = parts.host, !host.isEmpty else {
            throw CloudError(.badRequest, "the webhook URL names no host: '\(shown)'", subject: "url")
        }
        guard parts.user == nil, parts.password == nil else {
            throw CloudError(.badRequest, "the webhook URL must not carry a user or password; the signature authenticates the cloud", subject: "url")
        }
        guard parts.fragment == nil else {
            throw CloudError(.badRequest, "the webhook URL must not have a #fragment", subject: "url")
        }
        guard let url = parts.url else { throw CloudError(.badRequest, "'\(shown)' is not a URL", subject: "url") }
        return url
    }
}
