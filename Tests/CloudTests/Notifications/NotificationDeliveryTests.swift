import Cloud
import FaceRecognition
import Foundation
import Logging
import MQTT
import Testing
import TestSupport

/// Notifications end to end: the checker finds the four events in a real store, the dispatcher posts them to a
/// real local HTTP receiver (retried on 500, signed, once each) and publishes them on the MQTT topic of a real
/// Mosquitto with TLS (which keeps the topic from agents), logging each delivery in the store.
@Suite struct NotificationDeliveryTests {
    let secret = "notify-secret-0123456789"
    let retry = WebhookRetryPolicy(maximumAttempts: 4, initialDelay: .milliseconds(10), multiplier: 2,
                                   maximumDelay: .milliseconds(40), timeout: .seconds(5))

    func crop(_ image: [UInt8], track: String, site: String, agent: String) -> IncomingCrop {
        IncomingCrop(siteID: site, agentID: agent, camera: site == "hq" ? "door" : "gate", trackID: track,
                     frameTime: Date(), image: image, quality: 0.9, detectionScore: 0.9)
    }

    @Test func theFourEventsAreFoundInTheStoreAndPostedSignedOnceAfterRetries() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let t0 = Date()
        try await env.aggregator.agentReported(id: "agent-1", siteID: "hq", status: "online", framesPerSecond: 10,
                                               outboxDepth: 0, at: t0)
        try await env.aggregator.agentReported(id: "agent-2", siteID: "depot", status: "online", framesPerSecond: 10,
                                               outboxDepth: 0, at: t0)
        // Ada works at the depot only.
        let photo = TestImages.png(seed: 1)
        env.recognizer.scriptFace(photo, embedding: Embeddings.axis(0))
        let ada = try #require(try await env.aggregator.createWorker(name: "Ada", actor: "admin").id)
        _ = try await env.aggregator.enroll(workerID: ada, photo: photo, actor: "admin")
        _ = try await env.aggregator.setWorkerSites(workerID: ada, sites: ["depot"], actor: "admin")
        // agent-2 acknowledges the latest gallery, agent-1 never does.
        let latest = try #require(try await env.store.latestGalleryVersion())
        try await env.aggregator.galleryAcknowledged(siteID: "depot", agentID: "agent-2", version: latest.version, at: t0)

        let rules = NotificationRules(unknownSightings: 2, workerOutsideSites: true, agentOfflineAfter: 3600,
                                      galleryAckWithin: 60)
        let checker = NotificationChecker(store: env.store, rules: rules, metrics: env.metrics)
        #expect(try await checker.round(now: t0).isEmpty)   // records how things are

        // Ada at headquarters; a stranger passing twice (two tracks).
        let atHQ = TestImages.png(seed: 2)
        env.recognizer.scriptFace(atHQ, embedding: Embeddings.axis(0, offset: 0.01))
        #expect(try await env.aggregator.process(crop(atHQ, track: "w1", site: "hq", agent: "agent-1")).workerID == ada)
        for (seed, track) in [(3, "s1"), (4, "s2")] {
            let image = TestImages.png(seed: UInt8(seed))
            env.recognizer.scriptFace(image, embedding: Embeddings.axis(30, offset: Float(seed) * 0.01))
            _ = try await env.aggregator.process(crop(image, track: track, site: "depot", agent: "agent-2"))
        }
        let clustering = try UnknownPeopleClustering(store: env.store, policy: .defaults(for: .dlib), metrics: env.metrics,
                                                     logger: Logger(label: "test"))
        #expect(try await clustering.runOnce() == 2)

        // Two minutes on: agent-1 is behind the gallery. Two hours on: both agents are silent.
        let soon = try await checker.round(now: t0 + 120)
        #expect(Set(soon.map(\.kind)) == [.workerOutsideSites, .recurringUnknown, .galleryNotAcknowledged])
        let outside = try #require(soon.first { $0.kind == .workerOutsideSites })
        #expect(outside.workerID == ada && outside.siteID == "hq" && outside.camera == "door")
        let unknown = try #require(soon.first { $0.kind == .recurringUnknown })
        #expect(unknown.sightings == 2 && unknown.siteID == "depot" && unknown.camera == "gate")
        #expect(soon.first { $0.kind == .galleryNotAcknowledged }?.agentID == "agent-1")
        let late = try await checker.round(now: t0 + 7200)
        #expect(late.map(\.kind) == [.agentOffline, .agentOffline])
        #expect(late.map(\.siteID) == ["depot", "hq"])
        // Nothing twice.
        #expect(try await checker.round(now: t0 + 7300).isEmpty)

        // Each event fails once with 500, then is delivered; the sentinel's one delivery after all of them
        // shows nothing more was coming.
        let events = soon + late
        let receiver = WebhookReceiver(scripts: Dictionary(uniqueKeysWithValues: events.map { ("0:\($0.key)", [500]) }))
        let secret = self.secret, retry = self.retry, metrics = env.metrics
        try await WebhookReceiver.serve(receiver) { url in
            let endpoint = try WebhookEndpoint(id: 0, url: url, secret: secret, events: Set(NotificationEvent.Kind.allCases))
            let dispatcher = try NotificationDispatcher(mqtt: nil, webhooks: [endpoint], retry: retry, metrics: metrics,
                                                        logger: Logger(label: "test"))
            for event in events { await dispatcher.dispatch(event) }
            await dispatcher.dispatch(NotificationEvent(key: "sentinel", kind: .agentOffline, time: Date(), message: "end"))
            await dispatcher.shutdown()
        }
        let received = await receiver.received
        for event in events {
            #expect(await receiver.count(of: "0:\(event.key)") == 2, "\(event.key)")
        }
        #expect(received.count == events.count * 2 + 1)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        for r in received {
            #expect(WebhookSignature.verify(r.signature, body: r.body, secret: secret))
            let event = try decoder.decode(NotificationEvent.self, from: r.body)
            #expect(r.event == event.kind.rawValue && "0:\(event.key)" == r.deliveryID)
        }
        #expect(env.metrics.counter("rollcall_cloud_notifications_total", labels: ["kind": "agent_offline"]) == 2)
    }

    @Test func aWebhookOnlyGetsTheEventsItAskedFor() async throws {
        let receiver = WebhookReceiver()
        let secret = self.secret, retry = self.retry
        let metrics = CloudMetrics()
        let offline = NotificationEvent(key: "agent_offline:hq/a:1", kind: .agentOffline, time: Date(), message: "m")
        let unknown = NotificationEvent(key: "recurring_unknown:7", kind: .recurringUnknown, time: Date(), message: "m")
        try await WebhookReceiver.serve(receiver) { url in
            let endpoint = try WebhookEndpoint(id: 3, url: url, secret: secret, events: [.recurringUnknown])
            let dispatcher = try NotificationDispatcher(mqtt: nil, webhooks: [endpoint], retry: retry, metrics: metrics,
                                                        logger: Logger(label: "test"))
            await dispatcher.dispatch(offline)
            await dispatcher.dispatch(unknown)
            await dispatcher.shutdown()
        }
        #expect(await receiver.received.map(\.deliveryID) == ["3:recurring_unknown:7"])
    }

    /// The service as the cloud runs it: an agent falls silent; the event arrives on the MQTT topic (read by
    /// another cloud identity through the broker's ACL) and at the webhook, once.
    @Test func theServicePublishesOnTheTopicAndPostsTheWebhook() async throws {
        let fixture = try BrokerFixture(clouds: ["main", "ops"])
        let env = try await TestEnvironment()
        defer { env.remove() }
        let cloud = try await fixture.connectedClient("cloud/main")
        let ops = try await fixture.connectedClient("cloud/ops")
        let messages = Collector(try await ops.subscribe(to: "rollcall/v1/notifications/#"))
        // Agents are not told about other sites' people and agents: the ACL refuses them the topic.
        let agent = try await fixture.agent(site: "s1", agent: "a1")
        await #expect(throws: (any Error).self) { _ = try await agent.subscribe(to: "rollcall/v1/notifications/#") }
        await agent.disconnect()
        try await env.registerAgent("door-1", site: "hq")

        let receiver = WebhookReceiver()
        let secret = self.secret, retry = self.retry, metrics = env.metrics, store = env.store
        try await WebhookReceiver.serve(receiver) { url in
            let endpoint = try WebhookEndpoint(id: 0, url: url, secret: secret, events: [.agentOffline])
            let dispatcher = try NotificationDispatcher(mqtt: cloud, webhooks: [endpoint], retry: retry, log: store,
                                                        metrics: metrics, logger: Logger(label: "test"))
            let service = NotificationService(
                checker: NotificationChecker(store: store, rules: NotificationRules(agentOfflineAfter: 1), metrics: metrics),
                dispatcher: dispatcher, store: store, interval: 0.2, metrics: metrics, logger: Logger(label: "test"))
            let running = Task { try await service.run() }
            defer { running.cancel() }
            // Published, posted, and both deliveries ended and logged (stopping earlier would log one cancelled).
            #expect(await eventually(within: 30) {
                let published = await messages.messages.count, posted = await receiver.received.count
                let logged = (try? await store.notificationDeliveries(limit: 10, cursor: nil).items.count) ?? 0
                return published == 1 && posted == 1 && logged == 2
            })
            running.cancel()
            try? await running.value
        }
        let message = try #require(await messages.messages.first)
        #expect(message.topic == "rollcall/v1/notifications/agent_offline")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let event = try decoder.decode(NotificationEvent.self, from: message.payload)
        #expect(event.kind == .agentOffline && event.agentID == "door-1" && event.siteID == "hq")
        let posted = try #require(await receiver.received.first)
        #expect(posted.body == message.payload)
        #expect(WebhookSignature.verify(posted.signature, body: posted.body, secret: secret))
        #expect(metrics.counter("rollcall_cloud_notifications_published_total", labels: ["kind": "agent_offline"]) == 1)
        // Both deliveries are in the notification log.
        let logged = try await store.notificationDeliveries(limit: 10, cursor: nil).items
        #expect(Set(logged.map(\.channel)) == [.mqtt, .webhook] && logged.count == 2)
        #expect(logged.allSatisfy { $0.eventKey == event.key && $0.outcome == .delivered && $0.attempts == 1 && $0.lastError == nil })
        #expect(logged.first { $0.channel == .mqtt }?.target == "rollcall/v1/notifications/agent_offline")
        await cloud.disconnect()
        await ops.disconnect()
    }
}
