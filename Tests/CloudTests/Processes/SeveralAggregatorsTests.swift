import Cloud
import Foundation
import MQTT
import Testing
import TestSupport
import Wire

/// Issue #13 with a real PostgreSQL, a real Mosquitto and three `rollcall-cloud` processes in one share group:
/// faces from two agents are stored exactly once between them, also when one of them is killed (SIGKILL) while
/// they work, and two enrollments through two processes at once get consecutive gallery versions.
@Suite(.serialized) struct SeveralAggregatorsTests {
    @Test(.enabled(if: AcknowledgeAfterCommitTests.modelsPresent, "needs the models: rollcall models fetch"))
    func threeAggregatorsStoreEveryFaceOnceThroughAKill() async throws {
        let database = try PostgresServer()
        let fixture = try BrokerFixture(agents: [("alpha", "door"), ("beta", "door")])
        var started: [CloudProcess] = []
        for name in ["a", "b", "c"] {
            let port = try LoopbackPort.free()
            let cloud = try CloudProcess(folder: fixture.folder, name: name,
                                         yaml: fixture.cloudYAML(name: name, httpPort: port, sites: ["alpha", "beta"],
                                                                 postgresURL: database.url), httpPort: port)
            try cloud.start()
            started.append(cloud)
        }
        let clouds = started
        defer { clouds.forEach { $0.kill9() } }
        for cloud in clouds {
            #expect(await eventually(within: 120) { await cloud.metric("rollcall_cloud_mqtt_connected") == 1 },
                    "\(cloud.logTail())")
        }
        let alpha = try await fixture.agent(site: "alpha", agent: "door")
        let beta = try await fixture.agent(site: "beta", agent: "door")
        for (client, site) in [(alpha, "alpha"), (beta, "beta")] {
            try await client.publish(try Availability(online: true, agentVersion: "test").encoded(),
                                     to: try Topic.availability(site: site, agent: "door").validated(), retain: true)
        }
        #expect(await eventually(within: 30) {
            (try? database.psql("SELECT count(*) FROM agent"))?.trimmingCharacters(in: .whitespacesAndNewlines) == "2"
        })

        // 150 faces from each agent; one aggregator is killed once faces are being stored.
        var ids: [UUID] = []
        let victim = clouds[1]
        let killer = Task {
            _ = await eventually(within: 60) { PostgresOutageTests.storedMessageIDs(database).count >= 20 }
            victim.kill9()
        }
        for index in 0 ..< 150 {
            for (client, site) in [(alpha, "alpha"), (beta, "beta")] {
                let id = UUID()
                ids.append(id)
                try await client.publish(try AcknowledgeAfterCommitTests.embeddingMessage(id: id, track: UInt64(index / 10)),
                                         to: try Topic.faces(site: site, agent: "door", camera: "door").validated())
            }
        }
        await killer.value
        // What the killed one held unacknowledged goes to the others (its session's share), or to it on restart.
        try clouds[1].start()
        #expect(await eventually(within: 180) { PostgresOutageTests.storedMessageIDs(database).count >= ids.count },
                "\(clouds.map { $0.logTail(10) }.joined(separator: "\n---\n"))")
        let stored = PostgresOutageTests.storedMessageIDs(database)
        #expect(stored.count == ids.count)
        #expect(Set(stored) == Set(ids.map { $0.uuidString.lowercased() }))
        // The aggregators that ran throughout both took part (the broker shares faces round-robin).
        for cloud in [clouds[0], clouds[2]] {
            let samples = LoopbackHTTP.prometheusSamples(
                await cloud.metricsText() ?? "")
            let stored = samples.filter { $0.key.hasPrefix("rollcall_cloud_detections_total") }.values.reduce(0, +)
            #expect(stored > 0, "\(cloud.name)")
        }
        await alpha.disconnect()
        await beta.disconnect()
        for cloud in clouds { #expect(await cloud.terminate()) }
    }
}
