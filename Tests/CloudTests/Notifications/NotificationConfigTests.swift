import Cloud
import Foundation
import Logging
import Testing

/// `notifications:` and `webhooks:` in cloud.yaml, read strictly.
@Suite struct NotificationConfigTests {
    @Test func rulesAndWebhooksAreRead() throws {
        let config = try CloudConfig(yaml: """
        notifications:
          mqtt: false
          check_interval_seconds: 5
          unknown_sightings: 4
          worker_outside_sites: true
          outside_sites_cooldown_seconds: 600
          agent_offline_after_seconds: 300
          gallery_ack_within_seconds: 900
        webhooks:
          max_attempts: 5
          initial_delay_seconds: 2
          max_delay_seconds: 60
          endpoints:
            - url: https://hooks.example.com/rollcall
              secret_file: /etc/rollcall/hook.secret
              events: recurring_unknown, agent_offline
            - url: http://10.0.0.5:9000/in
              secret_file: s
        """)
        #expect(config.notifications.rules == NotificationRules(unknownSightings: 4, workerOutsideSites: true,
                                                                 outsideSitesCooldown: 600, agentOfflineAfter: 300,
                                                                 galleryAckWithin: 900))
        #expect(!config.notifications.mqtt && config.notifications.checkIntervalSeconds == 5)
        #expect(config.webhooks.retry.maximumAttempts == 5 && config.webhooks.retry.initialDelay == .seconds(2)
                && config.webhooks.retry.maximumDelay == .seconds(60))
        #expect(config.webhooks.endpoints.map(\.events) == [[.recurringUnknown, .agentOffline],
                                                            Set(NotificationEvent.Kind.allCases)])
        #expect(config.webhooks.endpoints.first?.secretFile == "/etc/rollcall/hook.secret")
    }

    @Test func everythingIsOffByDefaultAndTheShippedFileReads() throws {
        #expect(!(try CloudConfig(yaml: "")).notifications.enabled)
        let shipped = try CloudConfig(contentsOf: "config/cloud.yaml")
        #expect(shipped.webhooks.endpoints.isEmpty && shipped.notifications.rules == .off)
    }

    @Test(arguments: [
        ("webhooks:\n  endpoints:\n    - url: ftp://hooks.example.com/x\n      secret_file: s\n", "webhooks.endpoints[0].url"),
        ("webhooks:\n  endpoints:\n    - url: file:///etc/passwd\n      secret_file: s\n", "webhooks.endpoints[0].url"),
        ("webhooks:\n  endpoints:\n    - url: hooks.example.com/x\n      secret_file: s\n", "webhooks.endpoints[0].url"),
        ("webhooks:\n  endpoints:\n    - url: https://h.example.com/\n", "webhooks.endpoints[0].secret_file"),
        ("webhooks:\n  endpoints:\n    - url: https://h.example.com/\n      secret_file: s\n      events: agent_gone\n",
         "webhooks.endpoints[0].events"),
        ("webhooks:\n  endpoints:\n    - url: https://h.example.com/\n      secret: s\n", "webhooks.endpoints[0].secret"),
        ("notifications:\n  unknown_sightings: 1\n", "notifications.unknown_sightings"),
        ("notifications:\n  agent_offline_after_seconds: 0\n", "notifications.agent_offline_after_seconds"),
        ("webhooks:\n  max_attempts: 0\n", "webhooks.max_attempts"),
    ])
    func badSettingsAreRefusedNamingThem(yaml: String, subject: String) {
        do {
            _ = try CloudConfig(yaml: yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.code == .invalidConfig)
            #expect(error.subject == subject, "\(error)")
        }
    }

    @Test func aMissingSecretFileStopsTheStartNamingTheSetting() async throws {
        let env = try await TestEnvironment { config in
            config.notifications.rules.agentOfflineAfter = 60
            config.webhooks.endpoints = [.init(url: "https://hooks.example.com/", secretFile: "/nonexistent/secret",
                                               events: [.agentOffline])]
        }
        defer { env.remove() }
        do {
            _ = try await CloudApp.build(config: env.config, components: env.components, logger: Logger(label: "test"))
            Issue.record("started without the secret")
        } catch {
            #expect(error.subject == "webhooks.endpoints[0].secret_file")
        }
    }
}
