// Image-free sightings (tracks an agent followed but never sent) through ingest, the store, the API and the
// dashboard: stored once per message, counted per camera and reason, refused with a reason when malformed.
import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MQTT
import Testing
import TestSupport
import Wire

@Suite struct SightingTests {
    func sighting(_ reason: FaceSighting.Reason = .tooSmall, camera: String = "yard", id: UUID = UUID(),
                  largest: Float = 31, lastSeen: Date = Date()) -> FaceSighting {
        FaceSighting(messageID: id, camera: camera, trackID: 9, firstSeen: lastSeen.addingTimeInterval(-3),
                     lastSeen: lastSeen, detections: 30, largestFacePixels: largest, frameWidth: 640, frameHeight: 360,
                     reason: reason)
    }

    func ingest(_ env: TestEnvironment) throws -> IngestService {
        IngestService(client: try MQTTClient(configuration: MQTTConfiguration(clientID: "unused", tls: nil)),
                      aggregator: env.aggregator, logger: Logger(label: "t"))
    }

    @Test func sightingsAreStoredOncePerMessageAndCountedPerCameraAndReason() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let ingest = try ingest(env)
        let topic = Topic.sightings(site: "hq", agent: "gate", camera: "yard").name
        let once = UUID()
        for id in [once, once, UUID(), UUID()] {   // one redelivery
            await ingest.handleSighting(topic: topic, payload: try sighting(id: id, largest: id == once ? 38 : 22).encoded())
        }
        await ingest.handleSighting(topic: topic, payload: try sighting(.lowQuality).encoded())
        await ingest.handleSighting(topic: Topic.sightings(site: "hq", agent: "gate", camera: "door").name,
                                    payload: try sighting(camera: "door").encoded())
        // An old one falls outside the window.
        await ingest.handleSighting(topic: topic, payload: try sighting(lastSeen: Date().addingTimeInterval(-3 * 86400)).encoded())
        let counts = try await env.store.sightingsPerCamera(since: Date().addingTimeInterval(-86400))
        let yardSmall = try #require(counts.first { $0.camera == "yard" && $0.reason == "too_small" })
        #expect(yardSmall.count == 3 && yardSmall.siteID == "hq" && yardSmall.agentID == "gate")
        #expect(yardSmall.largestFacePixels == 38)
        #expect(counts.first { $0.camera == "yard" && $0.reason == "low_quality" }?.count == 1)
        #expect(counts.first { $0.camera == "door" }?.count == 1)
        #expect(env.metrics.counter("rollcall_cloud_sightings_total", labels: ["reason": "too_small"]) == 5)
        #expect(env.metrics.counter("rollcall_cloud_messages_duplicate_total") == 1)
    }

    @Test func malformedSightingsAreRefusedAndCounted() async throws {
        let env = try await TestEnvironment { $0.mqtt.maxMessageBytes = 4096 }
        defer { env.remove() }
        let ingest = try ingest(env)
        let topic = Topic.sightings(site: "hq", agent: "gate", camera: "yard").name
        let valid = try sighting().encoded()
        await ingest.handleSighting(topic: topic, payload: Data(valid.prefix(20)))
        await ingest.handleSighting(topic: Topic.sightings(site: "hq", agent: "gate", camera: "door").name, payload: valid)
        await ingest.handleSighting(topic: Topic.faces(site: "hq", agent: "gate", camera: "yard").name, payload: valid)
        await ingest.handleSighting(topic: topic, payload: Data(count: 5000))
        #expect(env.metrics.counter("rollcall_cloud_messages_refused_total", labels: ["reason": "malformed_sighting"]) == 3)
        #expect(env.metrics.counter("rollcall_cloud_messages_refused_total", labels: ["reason": "oversized"]) == 1)
        #expect(try await env.store.sightingsPerCamera(since: .distantPast).isEmpty)
        // A valid one still goes through afterwards.
        await ingest.handleSighting(topic: topic, payload: valid)
        #expect(try await env.store.sightingsPerCamera(since: .distantPast).first?.count == 1)
    }

    @Test func theAPIAndTheDashboardShowThemPerCamera() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.aggregator.recordSighting(siteID: "hq", agentID: "gate", sighting(largest: 33))
        try await env.aggregator.recordSighting(siteID: "hq", agentID: "gate", sighting())
        try await env.withApp { client in
            try await client.execute(uri: "/api/v1/sightings?hours=2", method: .get, headers: auth(env.viewerToken)) { response in
                #expect(response.status == .ok)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let cameras = try #require(body?["cameras"] as? [[String: Any]])
                #expect(cameras.count == 1)
                #expect(cameras.first?["camera"] as? String == "yard" && cameras.first?["count"] as? Int == 2)
                #expect(cameras.first?["reason"] as? String == "too_small")
            }
            try await client.execute(uri: "/api/v1/sightings?hours=0", method: .get, headers: auth(env.viewerToken)) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/sightings", method: .get) { #expect($0.status == .unauthorized) }
            // Logged out: to the login page; logged in (a viewer's session): the page, reloading itself.
            try await client.execute(uri: "/dashboard/sightings", method: .get) { #expect($0.status == .found) }
            let viewer = try await DashboardLogin.logIn(client, token: env.viewerToken)
            try await client.execute(uri: "/dashboard/sightings", method: .get, headers: viewer.page) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("data-reload=\"10000\"") && !response.text.contains("<script>"))
                #expect(response.text.contains("hq / yard") && response.text.contains("too small"))
                #expect(response.text.contains("<td class=\"count\">2</td>") && response.text.contains("33 px"))
            }
        }
    }

    @Test func aSightingCrossesMosquittoFromTheAgentsCertificateToTheStore() async throws {
        let fixture = try BrokerFixture(agents: [("hq", "gate")], folderPrefix: "rollcall-sightings")
        let env = try await TestEnvironment()
        defer { env.remove() }
        let cloud = try MQTTClient(configuration: fixture.configuration("cloud/main"))
        let ingest = IngestService(client: cloud, aggregator: env.aggregator, logger: Logger(label: "ingest"))
        let running = Task { try await ingest.run() }
        defer { running.cancel() }
        #expect(await eventually { cloud.isConnected })
        let agent = try await fixture.connectedClient("agents/hq/gate")
        defer { Task { await agent.disconnect() } }
        // Published (QoS 1) until the cloud's subscription is in place and the row appears.
        let payload = try sighting().encoded()
        let topic = try Topic.sightings(site: "hq", agent: "gate", camera: "yard").validated()
        #expect(await eventually(within: 20, every: .milliseconds(200)) {
            try? await agent.publish(payload, to: topic)
            return (try? await env.store.sightingsPerCamera(since: .distantPast))?.first?.count == 1
        })
        // Redeliveries of the same message stay one row.
        #expect(try await env.store.sightingsPerCamera(since: .distantPast).first?.agentID == "gate")
    }
}
