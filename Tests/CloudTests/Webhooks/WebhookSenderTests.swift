import Cloud
import Foundation
import Logging
import Testing
import TestSupport

/// Webhook delivery against a real local HTTP receiver (Hummingbird on a free port).
@Suite struct WebhookSenderTests {
    let secret = "s3cret-s3cret-s3cret"
    let event = NotificationEvent(key: "agent_offline:a1:1", kind: .agentOffline, time: Date(timeIntervalSince1970: 1_700_000_000),
                                  siteID: "hq", agentID: "a1", message: "Agent a1 is offline.")
    /// Short waits so retries happen quickly; the counts, not the timing, are asserted.
    let policy = WebhookRetryPolicy(maximumAttempts: 4, initialDelay: .milliseconds(10), multiplier: 2,
                                    maximumDelay: .milliseconds(40), timeout: .seconds(5))

    func sender(_ metrics: CloudMetrics) throws -> WebhookSender {
        try WebhookSender(policy: policy, metrics: metrics, logger: Logger(label: "webhook-test"))
    }

    @Test func retriesOn500ThenDeliversOnceWithAValidSignature() async throws {
        let receiver = WebhookReceiver(scripts: ["d-1": [500, 503, 200]])
        let metrics = CloudMetrics()
        let sender = try sender(metrics)
        let event = self.event, secret = self.secret
        let (first, sentinel) = try await WebhookReceiver.serve(receiver) { url in
            let endpoint = try WebhookEndpoint(url: url, secret: secret, events: [.agentOffline])
            let first = await sender.deliver(event, deliveryID: "d-1", to: endpoint)
            // A second delivery after the first returned: once it has arrived, anything the first would still
            // send would have arrived before it (one sender, one delivery at a time).
            let sentinel = await sender.deliver(event, deliveryID: "d-2", to: endpoint)
            return (first, sentinel)
        }
        await sender.shutdown()
        #expect(first == WebhookSender.Report(outcome: .delivered(status: 200), attempts: 3, lastFailure: "HTTP 503"))
        #expect(sentinel.lastFailure == nil)
        #expect(sentinel.outcome == .delivered(status: 200))
        #expect(await receiver.count(of: "d-1") == 3)
        #expect(await receiver.count(of: "d-2") == 1)
        let received = await receiver.received
        #expect(received.map(\.deliveryID) == ["d-1", "d-1", "d-1", "d-2"])
        for r in received {
            #expect(WebhookSignature.verify(r.signature, body: r.body, secret: secret))
            #expect(!WebhookSignature.verify(r.signature, body: r.body, secret: "another-secret-entirely"))
            #expect(r.event == "agent_offline")
            #expect(r.contentType == "application/json")
            #expect(r.body == (try event.json()))
        }
        #expect(metrics.counter("rollcall_cloud_webhook_attempts_total", labels: ["status": "500"]) == 1)
        #expect(metrics.counter("rollcall_cloud_webhook_attempts_total", labels: ["status": "503"]) == 1)
        #expect(metrics.counter("rollcall_cloud_webhook_deliveries_total", labels: ["outcome": "delivered"]) == 2)
    }

    @Test func aRefusalIsNotRetriedAndPersistentFailureGivesUp() async throws {
        let receiver = WebhookReceiver(scripts: ["gone": [404], "down": [500, 500, 500, 500, 500]])
        let metrics = CloudMetrics()
        let sender = try sender(metrics)
        let event = self.event, secret = self.secret
        let (refused, exhausted) = try await WebhookReceiver.serve(receiver) { url in
            let endpoint = try WebhookEndpoint(url: url, secret: secret, events: [.agentOffline])
            return (await sender.deliver(event, deliveryID: "gone", to: endpoint),
                    await sender.deliver(event, deliveryID: "down", to: endpoint))
        }
        await sender.shutdown()
        #expect(refused == WebhookSender.Report(outcome: .refused(status: 404), attempts: 1, lastFailure: "HTTP 404"))
        #expect(exhausted == WebhookSender.Report(outcome: .exhausted(lastFailure: "HTTP 500"), attempts: 4, lastFailure: "HTTP 500"))
        #expect(await receiver.count(of: "gone") == 1)
        #expect(await receiver.count(of: "down") == 4)
        #expect(metrics.counter("rollcall_cloud_webhook_deliveries_total", labels: ["outcome": "exhausted"]) == 1)
        #expect(metrics.counter("rollcall_cloud_webhook_deliveries_total", labels: ["outcome": "refused"]) == 1)
    }

    @Test func nobodyListeningIsRetriedThenGivenUp() async throws {
        let port = try LoopbackPort.free()
        let metrics = CloudMetrics()
        let sender = try sender(metrics)
        let endpoint = try WebhookEndpoint(url: "http://127.0.0.1:\(port)/hook", secret: secret, events: [.agentOffline])
        let report = await sender.deliver(event, deliveryID: "nobody", to: endpoint)
        await sender.shutdown()
        #expect(report.attempts == 4)
        if case .exhausted = report.outcome {} else { Issue.record("expected exhausted, got \(report.outcome)") }
        #expect(metrics.counter("rollcall_cloud_webhook_attempts_total", labels: ["status": "error"]) == 4)
    }
}
