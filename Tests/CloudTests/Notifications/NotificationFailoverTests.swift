import Cloud
import Foundation
import Logging
import Testing
import TestSupport

/// Two aggregators on one PostgreSQL run the notification service: one holds the job and notifies; when it
/// stops, the other takes over, notifies what happens next, and does not notify again what the first did.
@Suite(.serialized) struct NotificationFailoverTests {
    let secret = "failover-secret-0123456789"

    @Test(.enabled(if: PostgresServer.available, "needs PostgreSQL 15 (scripts/setup)"))
    func theSecondAggregatorTakesOverWithoutRepeating() async throws {
        let server = try PostgresServer()
        let logger = Logger(label: "test-notifications")
        let first = try await PostgresStore.open(url: server.url, logger: logger)
        let second = try await PostgresStore.open(url: server.url, logger: logger)
        try await first.upsertSite(Site(id: "hq", name: "hq", emotionEnabled: false))
        let rules = NotificationRules(agentOfflineAfter: 1)
        let retry = WebhookRetryPolicy(maximumAttempts: 3, initialDelay: .milliseconds(10), multiplier: 2,
                                       maximumDelay: .milliseconds(40), timeout: .seconds(5))
        let receiver = WebhookReceiver()
        let secret = self.secret
        try await WebhookReceiver.serve(receiver) { url in
            let endpoint = try WebhookEndpoint(id: 0, url: url, secret: secret, events: [.agentOffline])
            func service(_ store: PostgresStore, _ metrics: CloudMetrics) throws -> NotificationService {
                NotificationService(
                    checker: NotificationChecker(store: store, rules: rules, metrics: metrics),
                    dispatcher: try NotificationDispatcher(mqtt: nil, webhooks: [endpoint], retry: retry, metrics: metrics,
                                                           logger: logger),
                    store: store, interval: 0.2, metrics: metrics, logger: logger)
            }
            let metrics = [CloudMetrics(), CloudMetrics()]
            let services = [try service(first, metrics[0]), try service(second, metrics[1])]
            let running = services.map { service in Task { try await service.run() } }
            defer { running.forEach { $0.cancel() } }

            // One of them holds the job and has made its first round (which only records how things are) before
            // the agent is heard from: door-1 falls silent on a later round, which notifies it.
            let rounds = { metrics.map { $0.counter("rollcall_cloud_notification_rounds_total") }.reduce(0, +) }
            #expect(await eventually(within: 20) { rounds() >= 1 })
            try await first.recordAgentSeen(siteID: "hq", id: "door-1", at: Date(), status: "online", framesPerSecond: nil,
                                            outboxDepth: nil, outboxDropped: nil)
            #expect(await eventually(within: 20) { await receiver.received.count == 1 })
            let notified = metrics.map { $0.counter("rollcall_cloud_notifications_total", labels: ["kind": "agent_offline"]) }
            #expect(notified.sorted() == [0, 1], "\(notified)")
            let leader = notified[0] == 1 ? 0 : 1

            // The leader stops; the other takes the job. A second agent falls silent: it is notified, door-1 is not
            // notified again (it would have come in the same round or an earlier one).
            running[leader].cancel()
            _ = try? await running[leader].value
            try await first.recordAgentSeen(siteID: "hq", id: "door-2", at: Date(), status: "online", framesPerSecond: nil,
                                            outboxDepth: nil, outboxDropped: nil)
            #expect(await eventually(within: 20) {
                await receiver.received.contains { $0.deliveryID.contains("hq/door-2") }
            })
            let keys = await receiver.received.map(\.deliveryID)
            #expect(keys.filter { $0.contains("hq/door-1") }.count == 1, "\(keys)")
            #expect(keys.count == 2, "\(keys)")
            #expect(metrics[1 - leader].counter("rollcall_cloud_notifications_total", labels: ["kind": "agent_offline"]) == 1)
        }
    }
}
