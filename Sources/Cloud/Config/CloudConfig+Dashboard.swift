// The settings that guard the dashboard and the metrics endpoint (`dashboard:` and `metrics:` in cloud.yaml).
import ConfigFile
import Foundation

extension CloudConfig {
    /// Dashboard sessions and the checks that keep other web sites from acting through a logged-in browser.
    public struct Dashboard: Sendable, Equatable {
        /// When cookies carry `Secure`.
        public enum SecureCookies: String, Sendable, CaseIterable {
            /// When the request came over HTTPS (`public_url` is https, or a trusted proxy says so).
            case auto
            case always
            case never
        }

        /// Hours a dashboard login lasts.
        public var sessionHours = 12.0
        /// When cookies carry `Secure`.
        public var secureCookies = SecureCookies.auto
        /// The address users open the dashboard at behind a reverse proxy (e.g. `https://rollcall.example.com`):
        /// its origin is the one forms may come from, and https there makes cookies `Secure`. Absent: the
        /// request's own `Host` (and scheme).
        public var publicURL: String?
        /// Believe `X-Forwarded-Proto` and `X-Forwarded-For` (only when every request comes through a proxy
        /// that sets them).
        public var trustForwardedHeaders = false
        /// Failed logins (dashboard form or bearer token) one client address may make per minute; more are
        /// answered 429 until the minute is over.
        public var failedLoginsPerMinute = 10
        public init() {}

        /// The scheme and authority of `publicURL` (`https://host[:port]`), lower-cased.
        public var publicOrigin: String? {
            guard let publicURL, let url = URL(string: publicURL), let scheme = url.scheme?.lowercased(),
                  let host = url.host?.lowercased() else { return nil }
            return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        }
    }

    /// Where Prometheus reads `/metrics`.
    public struct Metrics: Sendable, Equatable {
        /// Address of a separate metrics listener (used with `port`).
        public var host = "127.0.0.1"
        /// Port of a separate listener serving `/metrics` without a token (nil: none). On the main listener
        /// `/metrics` always needs a bearer token, since it names sites and agents.
        public var port: Int?
        public init() {}
    }

    /// Reads the `dashboard:` and `metrics:` sections.
    mutating func readDashboardAndMetrics(_ top: YAMLSection) throws(ConfigurationError) {
        let dashboard = try top.section("dashboard", allowed: ["session_hours", "secure_cookies", "public_url",
                                                               "trust_forwarded_headers", "failed_logins_per_minute"])
        self.dashboard.sessionHours = try dashboard.double("session_hours", default: self.dashboard.sessionHours,
                                                           in: 0.01 ... 24 * 90)
        self.dashboard.secureCookies = try dashboard.choice("secure_cookies", default: self.dashboard.secureCookies)
        self.dashboard.publicURL = try dashboard.optionalString("public_url")
        if self.dashboard.publicURL != nil, self.dashboard.publicOrigin == nil
            || !["http", "https"].contains(URL(string: self.dashboard.publicURL ?? "")?.scheme?.lowercased() ?? "") {
            throw dashboard.error("public_url", .wrongType, "expected an http(s) URL such as https://rollcall.example.com")
        }
        self.dashboard.trustForwardedHeaders = try dashboard.bool("trust_forwarded_headers",
                                                                  default: self.dashboard.trustForwardedHeaders)
        self.dashboard.failedLoginsPerMinute = try dashboard.int(
            "failed_logins_per_minute", default: self.dashboard.failedLoginsPerMinute, in: 1 ... 10_000)

        let metrics = try top.section("metrics", allowed: ["host", "port"])
        self.metrics.host = try metrics.string("host", default: self.metrics.host)
        self.metrics.port = try metrics.optionalInt("port", in: 0 ... 65535)
    }
}
