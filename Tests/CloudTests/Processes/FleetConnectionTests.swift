import Cloud
import Crypto
import FaceRecognition
import Foundation
import Logging
import MQTT
import Testing
import TestSupport
import Wire

/// Issue #13: results and gallery versions do not wait for ingest. Ingest acknowledges a face only once it is
/// committed, and on libmosquitto 2.0 its connection writes nothing while a face is unacknowledged; the fleet
/// publishes on a connection of its own. A real `rollcall-cloud` on PostgreSQL, a real Mosquitto: one face the
/// database refuses to store (a trigger) stays unacknowledged while another face's result and a new gallery
/// version reach the agent.
@Suite(.serialized) struct FleetConnectionTests {
    @Test(.enabled(if: ConcurrentEnrollmentTests.ready, "needs the models (rollcall models fetch) and PostgreSQL 15"))
    func resultsAndGalleriesGoOutWhileAFaceIsUnacknowledged() async throws {
        let database = try PostgresServer()
        let fixture = try BrokerFixture(agents: [("hq", "door")])
        let port = try LoopbackPort.free()
        let cloud = try CloudProcess(folder: fixture.folder, name: "a",
                                     yaml: fixture.cloudYAML(name: "a", httpPort: port, sites: ["hq"],
                                                             postgresURL: database.url), httpPort: port)
        try cloud.start()
        defer { cloud.kill9() }
        #expect(await eventually(within: 120) { await cloud.metric("rollcall_cloud_mqtt_connected") == 1 },
                "\(cloud.logTail())")
        let store = try await PostgresStore.open(url: database.url, logger: Logger(label: "test"))
        let agent = try await fixture.agent(site: "hq", agent: "door")
        let results = Collector(try await agent.subscribe(to: try Topic.results(site: "hq").validated()))
        let galleries = Collector(try await agent.subscribe(to: try Topic.gallery(site: "hq").validated()))
        try await agent.publish(try Availability(online: true, agentVersion: "test").encoded(),
                                to: try Topic.availability(site: "hq", agent: "door").validated(), retain: true)
        #expect(await eventually(within: 30) { (try? await store.agent(siteID: "hq", id: "door")) != nil })

        // The database refuses track 999's detections: that face is retried, unacknowledged, for as long.
        try database.psql("""
            CREATE FUNCTION hold_track() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN RAISE EXCEPTION 'held by the test'; END $$;
            CREATE TRIGGER hold BEFORE INSERT ON detection FOR EACH ROW WHEN (NEW.track_id = '999')
              EXECUTE FUNCTION hold_track();
            """)
        let topic = try Topic.faces(site: "hq", agent: "door", camera: "door").validated()
        let held = UUID(), free = UUID()
        try await agent.publish(try AcknowledgeAfterCommitTests.embeddingMessage(id: held, track: 999), to: topic)
        #expect(await eventually(within: 30) {
            (await cloud.metric("rollcall_cloud_ingest_retries_total{reason=\"storage\"}") ?? 0) > 0
        }, "\(cloud.logTail())")

        // Another face: stored, and its result reaches the agent while the held face is unacknowledged.
        try await agent.publish(try AcknowledgeAfterCommitTests.embeddingMessage(id: free, track: 1), to: topic)
        #expect(await eventually(within: 60) {
            await results.messages.contains { (try? Wire.RecognitionResult(decoding: $0.payload))?.cropMessageID == free }
        }, "\(cloud.logTail())")
        // A new gallery version (made by another process: here the test, in the same database) is published too.
        let signer = try GallerySigner(keyFile: fixture.folder.appendingPathComponent("gallery.key").path)
        let empty = try Gallery(modelID: Backbone.dlib.modelID, dimension: 128, policy: MatchPolicy(threshold: 0.47, margin: 0))
        _ = try await store.addGalleryVersion(workerCount: 0, reason: "test", actor: "test") { number in
            try signer.galleryMessage(version: number, gallery: empty)
        }
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: signer.publicKey)
        #expect(await eventually(within: 60) {
            await galleries.messages.contains { (try? GalleryUpdate.verified(decoding: $0.payload, publicKey: publicKey))?.version == 1 }
        }, "\(cloud.logTail())")
        // All the while the held face was neither stored nor acknowledged: of the three messages the MQTT client
        // received (availability and the two faces; exported once a second), all but one were acknowledged.
        let heldBack = await eventually(within: 30, every: .milliseconds(200)) {
            let received = await cloud.metric("rollcall_cloud_mqtt_messages_received") ?? 0
            let acknowledged = await cloud.metric("rollcall_cloud_mqtt_messages_acknowledged") ?? 0
            return received == 3 && acknowledged == 2
        }
        let metricsText = await cloud.metricsText() ?? "(no answer)"
        #expect(heldBack, "\(metricsText)")
        #expect(try await store.detections(.init(trackID: "999"), limit: 10, cursor: nil).items.isEmpty)

        // The database takes it again: the held face is stored once and everything is acknowledged.
        try database.psql("DROP TRIGGER hold ON detection")
        #expect(await eventually(within: 60) {
            (try? await store.detections(.init(trackID: "999"), limit: 10, cursor: nil))?.items.map(\.messageID) == [held]
        }, "\(cloud.logTail())")
        #expect(await eventually(within: 30) {
            let received = await cloud.metric("rollcall_cloud_mqtt_messages_received") ?? 0
            let acknowledged = await cloud.metric("rollcall_cloud_mqtt_messages_acknowledged") ?? 0
            return received > 0 && acknowledged == received
        })
        await agent.disconnect()
        #expect(await cloud.terminate())
    }
}
