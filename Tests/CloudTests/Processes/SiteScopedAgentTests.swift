import Cloud
import Foundation
import MQTT
import PKI
import Testing
import TestSupport
import Wire

/// Issue #14 finding 5 with a real Mosquitto and a real `rollcall-cloud`: an agent is (site, agent). `beta/door-1`
/// announcing itself does not re-home `alpha/door-1`, whose crops are still stored; gallery acknowledgements and
/// heartbeats (with their outbox drops) are kept per site.
@Suite(.serialized) struct SiteScopedAgentTests {
    @Test(.enabled(if: AcknowledgeAfterCommitTests.modelsPresent, "needs the models: rollcall models fetch"))
    func twoSitesMayNameTheirAgentsAlike() async throws {
        let fixture = try BrokerFixture(agents: [("alpha", "door-1"), ("beta", "door-1")])
        let port = try LoopbackPort.free()
        let cloud = try CloudProcess(folder: fixture.folder, name: "a",
                                     yaml: fixture.cloudYAML(name: "a", httpPort: port, sites: ["alpha", "beta"]),
                                     httpPort: port)
        try cloud.start()
        defer { cloud.kill9() }
        #expect(await eventually(within: 90) { await cloud.metric("rollcall_cloud_mqtt_connected") == 1 },
                "\(cloud.logTail())")
        let store = try SQLiteStore(path: fixture.folder.appendingPathComponent("a/db.sqlite").path)

        let alpha = try await fixture.agent(site: "alpha", agent: "door-1")
        let beta = try await fixture.agent(site: "beta", agent: "door-1")
        let online = try Availability(online: true, agentVersion: "test").encoded()
        try await alpha.publish(online, to: try Topic.availability(site: "alpha", agent: "door-1").validated(), retain: true)
        #expect(await eventually(within: 30) { (try? await store.agent(siteID: "alpha", id: "door-1")) != nil })
        try await beta.publish(online, to: try Topic.availability(site: "beta", agent: "door-1").validated(), retain: true)
        #expect(await eventually(within: 30) { (try? await store.agent(siteID: "beta", id: "door-1")) != nil })
        #expect(try await store.agents().map(\.qualifiedID) == ["alpha/door-1", "beta/door-1"])

        // Alpha's crops are alpha's: all stored, none refused.
        let ids = (0 ..< 10).map { _ in UUID() }
        let topic = try Topic.faces(site: "alpha", agent: "door-1", camera: "door").validated()
        for (index, id) in ids.enumerated() {
            try await alpha.publish(try AcknowledgeAfterCommitTests.embeddingMessage(id: id, track: UInt64(index)), to: topic)
        }
        #expect(await eventually(within: 60) {
            ((try? await store.detections(.init(siteID: "alpha", agentID: "door-1"), limit: 100, cursor: nil))?.items
                .count ?? 0) == ids.count
        }, "\(cloud.logTail())")
        #expect(await cloud.metric("rollcall_cloud_crops_refused_total{reason=\"badMessage\"}") == nil)

        // Beta's heartbeat with outbox drops is beta's; alpha's row keeps its own (none).
        let status = AgentStatus(agentVersion: "test", mode: .cloud, uptimeSeconds: 5, cameras: [],
                                 outboxDepth: 4, outboxBytes: 100, outboxOldestAgeSeconds: 1, outboxDropped: 7,
                                 galleryVersion: 0)
        try await beta.publish(try status.encoded(), to: try Topic.status(site: "beta", agent: "door-1").validated())
        #expect(await eventually(within: 30) {
            (try? await store.agent(siteID: "beta", id: "door-1"))??.outboxDropped == 7
        })
        #expect(try await store.agent(siteID: "alpha", id: "door-1")?.outboxDropped == 0)
        #expect(await cloud.metric("rollcall_cloud_agent_outbox_dropped{agent=\"beta/door-1\"}") == 7)
        await alpha.disconnect()
        await beta.disconnect()
        #expect(await cloud.terminate())
    }
}
