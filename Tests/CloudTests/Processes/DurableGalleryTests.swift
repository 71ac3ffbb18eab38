import Cloud
import Crypto
import FaceRecognition
import Foundation
import MQTT
import PKI
import Testing
import TestSupport
import Wire

/// Issue #14 finding 3 with a real Mosquitto and a real `rollcall-cloud`: an erasure made while the broker is
/// down answers at once, SIGTERM still stops the cloud, the cloud starts and serves with the broker down, and the
/// new gallery (without the erased worker) reaches the agents once the broker is back.
@Suite(.serialized) struct DurableGalleryTests {
    /// A worker with one enrollment embedding and a signed gallery version naming them, made in the cloud's
    /// database before it starts; returns the worker's id and an admin token.
    static func seed(database: String, signingKey: String) async throws -> (worker: Int64, token: String) {
        let store = try SQLiteStore(path: database)
        let worker = try await store.createWorker(name: "Erin Erased", actor: "test")
        let workerID = try #require(worker.id)
        let embedding = (0 ..< 128).map { Float($0 == 3 ? 1 : 0) }
        _ = try await store.addPhoto(EnrollmentPhoto(workerID: workerID, file: "none.jpg", embedding: embedding,
                                                     quality: 1), actor: "test")
        let signer = try GallerySigner(keyFile: signingKey)
        var gallery = try Gallery(modelID: Backbone.dlib.modelID, dimension: 128,
                                  policy: MatchPolicy(threshold: 0.47, margin: 0))
        try gallery.enroll(workerID: workerID, embeddings: [embedding])
        let seeded = gallery
        _ = try await store.addGalleryVersion(workerCount: 1, reason: "seed", actor: "test") { number in
            try signer.galleryMessage(version: number, gallery: seeded)
        }
        let token = try await TokenIssuer(store: store).create(name: "test-admin", role: .admin).secret
        return (workerID, token)
    }

    @Test(.enabled(if: AcknowledgeAfterCommitTests.modelsPresent, "needs the models: rollcall models fetch"))
    func anErasureWithTheBrokerDownReachesTheAgentsAfterARestart() async throws {
        let fixture = try BrokerFixture(agents: [("hq", "door")])
        let port = try LoopbackPort.free()
        let data = fixture.folder.appendingPathComponent("a")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let (workerID, token) = try await Self.seed(database: data.appendingPathComponent("db.sqlite").path,
                                                    signingKey: fixture.folder.appendingPathComponent("gallery.key").path)
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try GallerySigner(
            keyFile: fixture.folder.appendingPathComponent("gallery.key").path).publicKey)
        let cloud = try CloudProcess(folder: fixture.folder, name: "a",
                                     yaml: fixture.cloudYAML(name: "a", httpPort: port, sites: ["hq"]), httpPort: port)
        try cloud.start()
        defer { cloud.kill9() }

        // The agent holds the seeded version (published on start).
        let agent = try await fixture.agent(site: "hq", agent: "door")
        let galleries = Collector(try await agent.subscribe(to: try Topic.gallery(site: "hq").validated()))
        func latestGallery() async -> GalleryUpdate? {
            guard let last = await galleries.messages.last else { return nil }
            return try? GalleryUpdate.verified(decoding: last.payload, publicKey: publicKey)
        }
        #expect(await eventually(within: 90) { await latestGallery()?.version == 1 }, "\(cloud.logTail())")

        // Broker down: the erasure answers at once (the worker is gone from the database).
        fixture.broker.stop()
        let started = Date()
        let deletion = await cloud.request("/api/v1/workers/\(workerID)", token: token, method: "DELETE")
        #expect(deletion?.0 == 200, "\(String(decoding: deletion?.1 ?? Data(), as: UTF8.self))")
        #expect(Date().timeIntervalSince(started) < 10)

        // SIGTERM stops it; it starts again and serves its API while the broker is still down.
        #expect(await cloud.terminate(timeout: 20), "\(cloud.logTail())")
        try cloud.start()
        #expect(await eventually(within: 90) { await cloud.healthy }, "\(cloud.logTail())")
        #expect(await cloud.request("/api/v1/workers", token: token)?.0 == 200)

        // The broker returns: the cloud reconnects by itself and publishes version 2, without the worker.
        try fixture.broker.start()
        #expect(await eventually(within: 60) { await latestGallery()?.version == 2 }, "\(cloud.logTail())")
        let update = try #require(await latestGallery())
        let gallery = try Gallery(snapshot: [UInt8](update.snapshot), expectedModelID: Backbone.dlib.modelID)
        #expect(gallery.workers.isEmpty)
        #expect(await eventually { await cloud.metric("rollcall_cloud_gallery_published_version") == 2 })
        await agent.disconnect()
        #expect(await cloud.terminate())
    }
}
