import Cloud
import Foundation
import MQTT
import Testing
import TestSupport
import Wire

/// Notifications as `rollcall-cloud` is configured and run: `notifications:` and `webhooks:` in its cloud.yaml, a
/// real Mosquitto with TLS. An agent comes online and falls silent; the cloud tells the notification topic and
/// the webhook once.
@Suite(.serialized) struct NotificationProcessTests {
    @Test(.enabled(if: AcknowledgeAfterCommitTests.modelsPresent, "needs the models: rollcall models fetch"))
    func aSilentAgentIsNotifiedOnTheTopicAndTheWebhook() async throws {
        let fixture = try BrokerFixture(clouds: ["main", "ops"], agents: [("hq", "door")])
        let secretFile = fixture.folder.appendingPathComponent("hook.secret")
        let secret = "process-test-secret-0123"
        try FileManager.default.createDirectory(at: fixture.folder, withIntermediateDirectories: true)
        try "\(secret)\n".write(to: secretFile, atomically: true, encoding: .utf8)
        let ops = try await fixture.connectedClient("cloud/ops")
        let topic = Collector(try await ops.subscribe(to: "rollcall/v1/notifications/#"))
        let receiver = WebhookReceiver()
        try await WebhookReceiver.serve(receiver) { url in
            let port = try LoopbackPort.free()
            let yaml = fixture.cloudYAML(name: "a", httpPort: port, sites: ["hq"], extra: """
                notifications: {agent_offline_after_seconds: 2, check_interval_seconds: 0.2}
                webhooks:
                  initial_delay_seconds: 0.05
                  endpoints:
                    - {url: "\(url)", secret_file: "\(secretFile.path)", events: agent_offline}
                """)
            let cloud = try CloudProcess(folder: fixture.folder, name: "a", yaml: yaml, httpPort: port)
            try cloud.start()
            defer { cloud.kill9() }
            #expect(await eventually(within: 90) { await cloud.metric("rollcall_cloud_mqtt_connected") == 1 }, "\(cloud.logTail())")
            let agent = try await fixture.agent(site: "hq", agent: "door")
            try await agent.publish(try Availability(online: true, agentVersion: "test").encoded(),
                                    to: try Topic.availability(site: "hq", agent: "door").validated(), retain: true)
            #expect(await eventually(within: 30) {
                let published = await topic.messages.count, posted = await receiver.received.count
                return published == 1 && posted == 1
            }, "\(cloud.logTail())")
            await agent.disconnect()
            #expect(await cloud.terminate())
        }
        let message = try #require(await topic.messages.first)
        #expect(message.topic == "rollcall/v1/notifications/agent_offline")
        let posted = try #require(await receiver.received.first)
        #expect(posted.body == message.payload)
        #expect(WebhookSignature.verify(posted.signature, body: posted.body, secret: secret))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let event = try decoder.decode(NotificationEvent.self, from: posted.body)
        #expect(event.kind == .agentOffline && event.siteID == "hq" && event.agentID == "door")
        await ops.disconnect()
    }
}
