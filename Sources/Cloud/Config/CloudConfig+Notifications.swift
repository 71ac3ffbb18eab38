// The settings of notifications (`notifications:`) and their webhooks (`webhooks:`) in cloud.yaml.
import ConfigFile
import Foundation

extension CloudConfig {
    /// Which events are notified, how often the fleet's state is checked, and whether they go to MQTT.
    public struct Notifications: Sendable, Equatable {
        /// The rules (all off by default).
        public var rules = NotificationRules.off
        /// Publish each event on `rollcall/v1/notifications/{kind}` (when a broker is configured).
        public var mqtt = true
        /// Seconds between two checks of detections, unknown people and agents.
        public var checkIntervalSeconds = 15.0
        public init() {}

        /// Whether any rule is on.
        public var enabled: Bool { rules != .off }
    }

    /// Where events are POSTed, and how deliveries are retried.
    public struct Webhooks: Sendable, Equatable {
        /// One receiver as configured; its secret is read from `secretFile` when the cloud starts.
        public struct Endpoint: Sendable, Equatable {
            public var url: String
            /// File holding the HMAC signing secret (16…256 bytes; surrounding white space ignored).
            public var secretFile: String
            public var events: Set<NotificationEvent.Kind>

            public init(url: String, secretFile: String, events: Set<NotificationEvent.Kind>) {
                self.url = url
                self.secretFile = secretFile
                self.events = events
            }
        }

        public var retry = WebhookRetryPolicy()
        public var endpoints: [Endpoint] = []
        public init() {}
    }

    /// Reads the `notifications:` and `webhooks:` sections.
    mutating func readNotificationsAndWebhooks(_ top: YAMLSection) throws(ConfigurationError) {
        let section = try top.section("notifications", allowed: [
            "mqtt", "check_interval_seconds", "unknown_sightings", "worker_outside_sites",
            "outside_sites_cooldown_seconds", "agent_offline_after_seconds", "gallery_ack_within_seconds",
        ])
        notifications.mqtt = try section.bool("mqtt", default: notifications.mqtt)
        notifications.checkIntervalSeconds = try section.double(
            "check_interval_seconds", default: notifications.checkIntervalSeconds, in: 0.1 ... 3600)
        var rules = NotificationRules()
        rules.unknownSightings = try section.optionalInt("unknown_sightings", in: 2 ... 1_000_000)
        rules.workerOutsideSites = try section.bool("worker_outside_sites", default: false)
        rules.outsideSitesCooldown = try section.double("outside_sites_cooldown_seconds",
                                                        default: rules.outsideSitesCooldown, in: 0 ... 31_536_000)
        if section.has("agent_offline_after_seconds") {
            rules.agentOfflineAfter = try section.double("agent_offline_after_seconds", in: 1 ... 31_536_000)
        }
        if section.has("gallery_ack_within_seconds") {
            rules.galleryAckWithin = try section.double("gallery_ack_within_seconds", in: 1 ... 31_536_000)
        }
        notifications.rules = rules

        let hooks = try top.section("webhooks", allowed: [
            "max_attempts", "initial_delay_seconds", "max_delay_seconds", "backoff_multiplier", "timeout_seconds",
            "endpoints",
        ])
        var retry = WebhookRetryPolicy()
        retry.maximumAttempts = try hooks.int("max_attempts", default: retry.maximumAttempts, in: 1 ... 100)
        let initial = try hooks.double("initial_delay_seconds", default: 1, in: 0.001 ... 3600)
        let maximum = try hooks.double("max_delay_seconds", default: 300, in: initial ... 86400)
        retry.initialDelay = .milliseconds(Int64((initial * 1000).rounded()))
        retry.maximumDelay = .milliseconds(Int64((maximum * 1000).rounded()))
        retry.multiplier = try hooks.double("backoff_multiplier", default: retry.multiplier, in: 1 ... 10)
        retry.timeout = .milliseconds(Int64((try hooks.double("timeout_seconds", default: 10, in: 0.1 ... 300) * 1000).rounded()))
        webhooks.retry = retry
        webhooks.endpoints = []
        for endpoint in try hooks.sections("endpoints", allowed: ["url", "secret_file", "events"]) {
            let url = try endpoint.string("url")
            do {
                _ = try WebhookEndpoint.validate(url: url)
            } catch {
                throw endpoint.error("url", .wrongType, error.detail)
            }
            let secretFile = try endpoint.string("secret_file")
            let names = try endpoint.string("events", default: NotificationEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))
            var events = Set<NotificationEvent.Kind>()
            for name in names.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                guard let kind = NotificationEvent.Kind(rawValue: name) else {
                    throw endpoint.error("events", .wrongType, "unknown event '\(name)'; expected a comma-separated list of "
                                         + NotificationEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                events.insert(kind)
            }
            guard !events.isEmpty else { throw endpoint.error("events", .missing, "name at least one event") }
            webhooks.endpoints.append(Webhooks.Endpoint(url: url, secretFile: secretFile, events: events))
        }
    }
}
