import Cloud
import FaceRecognition
import Foundation
import Logging
import ModelSupply
import MQTT
import PKI
import Testing
import TestSupport
import Wire

/// Issue #14 finding 2 and #13 "acknowledge after commit", with a real Mosquitto and a real `rollcall-cloud`
/// process on SQLite and on PostgreSQL: crops the broker accepted while the cloud was away are stored exactly
/// once even when the only cloud process is killed (SIGKILL) while working through them.
@Suite(.serialized) struct AcknowledgeAfterCommitTests {
    static let modelsPresent: Bool = {
        guard let url = try? ModelStore.standard().url(for: "dlib-resnet") else { return false }
        return FileManager.default.fileExists(atPath: url.path)
    }()

    /// A privacy-mode face (embedding only): the cloud's whole ingest path without a CNN per crop, so a debug
    /// build works through hundreds quickly.
    static func embeddingMessage(id: UUID, track: UInt64) throws -> Data {
        var values = (0 ..< 128).map { _ in Float.random(in: -1 ... 1) }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        values = values.map { $0 / norm }
        return try FaceCrop(messageID: id, camera: "door", trackID: track, frameTime: Date(), frameWidth: 640,
                            frameHeight: 480, box: .init(x: 0, y: 0, width: 200, height: 200), keypoints: [],
                            detectionScore: 0.9, quality: 0.8,
                            content: .embedding(.init(modelID: Backbone.dlib.modelID, values: values))).encoded()
    }

    static func storedMessageIDs(_ store: any Store) async -> [UUID] {
        ((try? await store.detections(.init(), limit: 100_000, cursor: nil))?.items ?? []).compactMap(\.messageID)
    }

    @Test(.enabled(if: modelsPresent && PostgresServer.available, "needs the models (rollcall models fetch) and PostgreSQL 15"),
          arguments: BrokerOutageIngestTests.Kind.allCases)
    func aCloudKilledMidBacklogStoresEveryCropExactlyOnce(kind: BrokerOutageIngestTests.Kind) async throws {
        let fixture = try BrokerFixture(agents: [("hq", "door")])
        let database = kind == .postgres ? try PostgresServer() : nil
        let port = try LoopbackPort.free()
        let cloud = try CloudProcess(folder: fixture.folder, name: "a",
                                     yaml: fixture.cloudYAML(name: "a", httpPort: port, sites: ["hq"],
                                                             postgresURL: database?.url), httpPort: port)
        try cloud.start()
        defer { cloud.kill9() }
        #expect(await eventually(within: 90) { await cloud.metric("rollcall_cloud_mqtt_connected") == 1 },
                "\(cloud.logTail())")

        let agent = try await fixture.agent(site: "hq", agent: "door")
        try await agent.publish(try Availability(online: true, agentVersion: "test").encoded(),
                                to: try Topic.availability(site: "hq", agent: "door").validated(), retain: true)
        let store: any Store = if let database {
            try await PostgresStore.open(url: database.url, logger: Logger(label: "test"))
        } else {
            try SQLiteStore(path: fixture.folder.appendingPathComponent("a/db.sqlite").path)
        }
        #expect(await eventually(within: 30) { (try? await store.agent(siteID: "hq", id: "door")) != nil }, "\(cloud.logTail())")

        // The cloud goes away; the broker queues the agent's crops for its persistent session.
        #expect(await cloud.terminate())
        let total = 300
        let ids = (0 ..< total).map { _ in UUID() }
        let topic = try Topic.faces(site: "hq", agent: "door", camera: "door").validated()
        for (index, id) in ids.enumerated() {
            try await agent.publish(try Self.embeddingMessage(id: id, track: UInt64(index / 10)), to: topic)
        }

        // Back, and killed as soon as it has stored something from the backlog.
        try cloud.start()
        #expect(await eventually(within: 90) { await !Self.storedMessageIDs(store).isEmpty }, "\(cloud.logTail())")
        cloud.kill9()
        let atKill = await Self.storedMessageIDs(store).count
        try #require(atKill < total, "the backlog was done before the kill; nothing was tested")

        // Restarted: the rest arrive again, and what was stored before is not stored twice.
        try cloud.start()
        #expect(await eventually(within: 120) { await Self.storedMessageIDs(store).count >= total },
                "\(cloud.logTail())")
        let stored = await Self.storedMessageIDs(store)
        #expect(stored.count == total, "stored \(stored.count) of \(total) (\(atKill) before the kill)")
        #expect(Set(stored) == Set(ids))
        #expect(await cloud.metric("rollcall_cloud_mqtt_messages_dropped") == 0)
        // The MQTT client's counters are exported: everything received since the restart was acknowledged.
        let exported = await eventually(within: 10) {
            let received = await cloud.metric("rollcall_cloud_mqtt_messages_received") ?? 0
            let acknowledged = await cloud.metric("rollcall_cloud_mqtt_messages_acknowledged") ?? 0
            return received > 0 && acknowledged == received
        }
        let metricsText = await cloud.metricsText() ?? ""
        #expect(exported, "\(metricsText)")
        await agent.disconnect()
        #expect(await cloud.terminate())
    }
}
