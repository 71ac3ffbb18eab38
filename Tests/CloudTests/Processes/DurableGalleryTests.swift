import Cloud
import Crypto
import FaceRecognition
import Foundation
import Testing
import TestSupport
import Wire

/// Issue #14 finding 3 with a real Mosquitto and a real `rollcall-cloud`: an erasure made while the broker is
/// down answers at once, SIGTERM still stops the cloud, the cloud starts and serves with the broker down, and the
/// new gallery (without the erased worker) reaches a real `rollcall-agent` once the broker is back: its cached
/// gallery no longer holds the worker, and it acknowledges the version.
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

    /// The gallery version in the agent's cache on disk (the signed message it applied last, re-verified) and
    /// the workers it holds; nil while it has none.
    static func cachedGallery(_ agent: EdgeAgentProcess, publicKey: Curve25519.Signing.PublicKey) -> (UInt64, [Int64])? {
        guard let message = FileManager.default.contents(atPath: agent.galleryPath + "/snapshot.msg"),
              let update = try? GalleryUpdate.verified(decoding: message, publicKey: publicKey),
              let gallery = try? Gallery(snapshot: [UInt8](update.snapshot), expectedModelID: Backbone.dlib.modelID)
        else { return nil }
        return (update.version, gallery.workers.map(\.id).sorted())
    }

    /// Whether `agent` acknowledged gallery `version` to the cloud (the acknowledgement stored).
    static func acknowledged(_ store: SQLiteStore, version: Int, by agent: EdgeAgentProcess) async -> Bool {
        ((try? await store.galleryAcks(version: version)) ?? []).contains {
            $0.siteID == agent.site && $0.agentID == agent.agent
        }
    }

    @Test(.enabled(if: AcknowledgeAfterCommitTests.modelsPresent, "needs the models: rollcall models fetch"),
          .timeLimit(.minutes(5)))
    func anErasureWithTheBrokerDownReachesTheAgentsAfterARestart() async throws {
        let fixture = try BrokerFixture(agents: [("hq", "door")])
        let port = try LoopbackPort.free()
        let data = fixture.folder.appendingPathComponent("a")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let database = data.appendingPathComponent("db.sqlite").path
        let (workerID, token) = try await Self.seed(database: database,
                                                    signingKey: fixture.folder.appendingPathComponent("gallery.key").path)
        let signer = try GallerySigner(keyFile: fixture.folder.appendingPathComponent("gallery.key").path)
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: signer.publicKey)
        let store = try SQLiteStore(path: database)
        let cloud = try CloudProcess(folder: fixture.folder, name: "a",
                                     yaml: fixture.cloudYAML(name: "a", httpPort: port, sites: ["hq"]), httpPort: port)
        try cloud.start()
        defer { cloud.kill9() }

        // A real agent (its camera sees no one) holds the seeded version, published on start, and acknowledged it.
        let agent = try EdgeAgentProcess(fixture: fixture, site: "hq", agent: "door",
                                         publicKey: signer.publicKey.base64EncodedString())
        defer { agent.kill9() }
        try agent.start(feed: try agent.emptyFeed(), loop: true, rate: 2)
        let logs = { "--- agent:\n\(agent.logTail())\n--- cloud:\n\(cloud.logTail())" }
        #expect(await eventually(within: 90, every: .milliseconds(200)) {
            Self.cachedGallery(agent, publicKey: publicKey).map { $0.0 == 1 && $0.1 == [workerID] } ?? false
        }, "\(logs())")
        #expect(await eventually(within: 30, every: .milliseconds(200)) {
            await Self.acknowledged(store, version: 1, by: agent)
        }, "\(logs())")

        // Broker down: the erasure answers at once (the worker is gone from the database).
        fixture.broker.stop()
        let started = Date()
        let deletion = await cloud.request("/api/v1/workers/\(workerID)", token: token, method: "DELETE")
        let answeredIn = Date().timeIntervalSince(started)
        #expect(deletion?.0 == 200, "\(String(decoding: deletion?.1 ?? Data(), as: UTF8.self))")
        #expect(answeredIn < 10)

        // SIGTERM stops it; it starts again and serves its API while the broker is still down.
        #expect(await cloud.terminate(timeout: 20), "\(cloud.logTail())")
        try cloud.start()
        #expect(await eventually(within: 90) { await cloud.healthy }, "\(cloud.logTail())")
        #expect(await cloud.request("/api/v1/workers", token: token)?.0 == 200)
        #expect(Self.cachedGallery(agent, publicKey: publicKey)?.1 == [workerID], "the agent cannot have heard yet")

        // The broker returns: the cloud reconnects by itself and publishes version 2, without the worker; the
        // agent applies it (its cache no longer holds the worker) and acknowledges it.
        try fixture.broker.start()
        #expect(await eventually(within: 90, every: .milliseconds(200)) {
            Self.cachedGallery(agent, publicKey: publicKey).map { $0.0 == 2 && $0.1.isEmpty } ?? false
        }, "\(logs())")
        #expect(await eventually(within: 30, every: .milliseconds(200)) {
            await Self.acknowledged(store, version: 2, by: agent)
        }, "\(logs())")
        #expect(await eventually { await cloud.metric("rollcall_cloud_gallery_published_version") == 2 })
        #expect(agent.metric("rollcall_agent_gallery_version") == 2)
        let publishErrors = await cloud.metric("rollcall_cloud_gallery_publish_errors_total") ?? 0
        print("fault run: erasure with the broker down: DELETE answered in \(String(format: "%.2f", answeredIn)) s; "
              + "the restarted cloud served its API with the broker down; version 2 reached the agent (cache: no "
              + "workers) and was acknowledged; publish errors counted by the restarted cloud: \(Int(publishErrors))")
        #expect(await agent.terminate())
        #expect(await cloud.terminate())
    }
}
