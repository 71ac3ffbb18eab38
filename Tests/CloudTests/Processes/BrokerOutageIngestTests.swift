import Agent
import Cloud
import Foundation
import Logging
import MQTT
import Testing
import TestSupport
import Wire

/// Issue #13's fault run "broker down 30 s", counted end to end: the agent's own outbox and drainer (in this
/// process, on a persistent MQTT session), a real Mosquitto stopped for 30 s while the agent keeps producing
/// faces, and a real `rollcall-cloud` on SQLite or PostgreSQL. Every face the agent sent before, during and after
/// the outage is stored exactly once, and the outbox ends empty.
@Suite(.serialized) struct BrokerOutageIngestTests {
    enum Kind: String, CaseIterable, Sendable { case sqlite, postgres }

    @Test(.enabled(if: AcknowledgeAfterCommitTests.modelsPresent && PostgresServer.available,
                   "needs the models (rollcall models fetch) and PostgreSQL 15"),
          arguments: Kind.allCases)
    func everyFaceSentAcrossA30SecondBrokerOutageIsStoredOnce(kind: Kind) async throws {
        let fixture = try BrokerFixture(agents: [("hq", "door")], folderPrefix: "rollcall-outage-\(kind.rawValue)")
        let database = kind == .postgres ? try PostgresServer() : nil
        let port = try LoopbackPort.free(), metricsPort = try LoopbackPort.free()
        // Metrics from the separate listener (it answers without a token, whatever the database does).
        let cloud = try CloudProcess(folder: fixture.folder, name: "a",
                                     yaml: fixture.cloudYAML(name: "a", httpPort: port, sites: ["hq"],
                                                             postgresURL: database?.url,
                                                             extra: "metrics: {host: 127.0.0.1, port: \(metricsPort)}"),
                                     httpPort: port, metricsPort: metricsPort)
        try cloud.start()
        defer { cloud.kill9() }
        #expect(await eventually(within: 120) { await cloud.metric("rollcall_cloud_mqtt_connected") == 1 },
                "\(cloud.logTail())")
        // The cloud's database, read directly.
        let store: any Store = if let database {
            try await PostgresStore.open(url: database.url, logger: Logger(label: "test"))
        } else {
            try SQLiteStore(path: fixture.folder.appendingPathComponent("a/db.sqlite").path)
        }
        let stored: @Sendable () async -> [UUID] = { await AcknowledgeAfterCommitTests.storedMessageIDs(store) }

        // The agent: its outbox on disk, drained over a persistent session that keeps reconnecting.
        var configuration = fixture.configuration("agents/hq/door", cleanStart: false)
        configuration.keepAlive = 5
        configuration.reconnect = ReconnectPolicy(initialDelay: 0.1, maxDelay: 0.5, failFirstConnect: false)
        let client = try MQTTClient(configuration: configuration)
        let outbox = try Outbox(folder: fixture.folder.appendingPathComponent("outbox").path, maxBytes: 64 << 20)
        let stats = AgentStats()
        let encoder = WireAgentEncoder(site: "hq", agent: "door", mode: .privacy, version: "test")
        let drainer = OutboxDrainer(outbox: outbox, publisher: MQTTTransport(client: client), stats: stats,
                                    backoff: (.milliseconds(50), .milliseconds(200)))
        let topic = try Topic.faces(site: "hq", agent: "door", camera: "door").validated()
        var sent: [UUID] = []
        func send(_ count: Int) throws {
            for _ in 0 ..< count {
                let id = UUID()
                try outbox.append(topic: topic,
                                  payload: try AcknowledgeAfterCommitTests.embeddingMessage(id: id, track: UInt64(sent.count / 5)))
                sent.append(id)
            }
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await MQTTConnectionService(client: client, encoder: encoder, stats: stats).run() }
            group.addTask { try await drainer.run() }
            // The connection service announces the agent (availability, retained) on every connection.
            #expect(await eventually(within: 60) { (try? await store.agent(siteID: "hq", id: "door")) != nil }, "\(cloud.logTail())")
            try send(20)
            #expect(await eventually(within: 60) { await stored().count == 20 }, "before the outage: \(cloud.logTail())")

            // The broker goes down (SIGTERM: it saves its sessions) for 30 s; the agent keeps producing faces,
            // one every 0.75 s, which wait in its outbox.
            fixture.broker.stop()
            #expect(await eventually(within: 30) { await cloud.metric("rollcall_cloud_mqtt_connected") == 0 })
            let outageEnd = Date().addingTimeInterval(30)
            while Date() < outageEnd {
                try send(1)
                try await Task.sleep(for: .milliseconds(750))
            }
            let duringOutage = sent.count - 20
            #expect(outbox.stats.depth >= duringOutage, "nothing leaves the outbox without the broker's PUBACK")

            // Back: the agent sends what waited and 20 more; the cloud stores every one once.
            try fixture.broker.start()
            try send(20)
            #expect(await eventually(within: 180) { await stored().count >= sent.count }, "\(cloud.logTail())")
            #expect(await eventually(within: 30) { outbox.stats.depth == 0 })
            group.cancelAll()
        }
        let ids = await stored()
        #expect(ids.count == sent.count, "stored \(ids.count) of the \(sent.count) faces sent")
        #expect(Set(ids) == Set(sent))
        #expect(await cloud.metric("rollcall_cloud_mqtt_messages_dropped") == 0)
        await client.disconnect()
        #expect(await cloud.terminate())
    }
}
