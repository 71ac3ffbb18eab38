import Cloud
import Foundation
import Logging
import MQTT
import Testing
import TestSupport
import Wire

/// Issue #13 with a real PostgreSQL, a real Mosquitto and a real `rollcall-cloud`: the cloud runs on the
/// PostgreSQL store (crops in the database); with PostgreSQL stopped for 10 s it stops acknowledging, reports
/// unhealthy on /healthz, and loses nothing when the database returns.
@Suite(.serialized) struct PostgresOutageTests {
    static func storedMessageIDs(_ server: PostgresServer) -> [String] {
        ((try? server.psql("SELECT message_id FROM detection WHERE message_id IS NOT NULL")) ?? "")
            .split(separator: "\n").map(String.init)
    }

    @Test(.enabled(if: AcknowledgeAfterCommitTests.modelsPresent, "needs the models: rollcall models fetch"))
    func aDatabaseOutageStopsAcknowledgingAndLosesNothing() async throws {
        let database = try PostgresServer()
        let fixture = try BrokerFixture(agents: [("hq", "door")])
        let port = try LoopbackPort.free(), metricsPort = try LoopbackPort.free()
        // Metrics from the separate listener: /metrics on the main one checks a token in the database, which is
        // down for part of this run (what an operator scrapes during an outage, see operations.md).
        let cloud = try CloudProcess(folder: fixture.folder, name: "a",
                                     yaml: fixture.cloudYAML(name: "a", httpPort: port, sites: ["hq"],
                                                             postgresURL: database.url,
                                                             extra: "metrics: {host: 127.0.0.1, port: \(metricsPort)}"),
                                     httpPort: port, metricsPort: metricsPort)
        try cloud.start()
        defer { cloud.kill9() }
        #expect(await eventually(within: 90) { await cloud.metric("rollcall_cloud_mqtt_connected") == 1 },
                "\(cloud.logTail())")
        #expect(await cloud.healthy)

        let agent = try await fixture.agent(site: "hq", agent: "door")
        try await agent.publish(try Availability(online: true, agentVersion: "test").encoded(),
                                to: try Topic.availability(site: "hq", agent: "door").validated(), retain: true)
        #expect(await eventually(within: 30) {
            (try? database.psql("SELECT count(*) FROM agent WHERE site_id = 'hq' AND id = 'door'"))?
                .trimmingCharacters(in: .whitespacesAndNewlines) == "1"
        }, "\(cloud.logTail())")
        let topic = try Topic.faces(site: "hq", agent: "door", camera: "door").validated()
        var ids: [UUID] = []
        for index in 0 ..< 20 {
            let id = UUID()
            ids.append(id)
            try await agent.publish(try AcknowledgeAfterCommitTests.embeddingMessage(id: id, track: UInt64(index)),
                                    to: topic)
        }
        #expect(await eventually(within: 60) { Self.storedMessageIDs(database).count == 20 }, "\(cloud.logTail())")

        // PostgreSQL stops for 10 s while the agent keeps sending: /healthz turns unhealthy and ingest tries again
        // instead of acknowledging.
        database.stop()
        for index in 20 ..< 40 {
            let id = UUID()
            ids.append(id)
            try await agent.publish(try AcknowledgeAfterCommitTests.embeddingMessage(id: id, track: UInt64(index)),
                                    to: topic)
        }
        #expect(await eventually(within: 30) { await !cloud.healthy })
        #expect(await eventually(within: 30) {
            (await cloud.metric("rollcall_cloud_ingest_retries_total{reason=\"storage\"}") ?? 0) > 0
        }, "\(cloud.logTail())")
        try await Task.sleep(for: .seconds(10))   // the outage's length, not a check
        try database.start()

        // Back: every face stored exactly once, healthy again.
        #expect(await eventually(within: 90) { Self.storedMessageIDs(database).count >= 40 }, "\(cloud.logTail())")
        let stored = Self.storedMessageIDs(database)
        #expect(stored.count == 40)
        #expect(Set(stored) == Set(ids.map { $0.uuidString.lowercased() }))
        #expect(await eventually(within: 30) { await cloud.healthy })
        await agent.disconnect()
        #expect(await cloud.terminate())
    }
}
