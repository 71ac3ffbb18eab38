import Agent
import Cloud
import Crypto
import FaceRecognition
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MQTT
import Testing
import TestSupport
import Wire

/// Galleries per site end to end (issue #17): a real `rollcall-cloud`, a real Mosquitto with TLS and its ACL, and
/// two agents of two sites, each keeping its gallery with the agent's own cache (verified, stored on disk) and
/// acknowledging what it applied. Each agent's cached gallery holds only its site's workers; removing a worker
/// from a site reaches that site's agent, which acknowledges it, and the other site keeps them.
@Suite(.serialized) struct SiteGalleryBrokerTests {
    /// One agent: its broker client, gallery cache and a task applying every gallery message and acknowledging it.
    final class SiteAgent: Sendable {
        let client: MQTTClient
        let cache: GalleryCache<RecognitionGalleryBuilder>
        let task: Task<Void, Never>

        init(fixture: BrokerFixture, site: String, agent: String, publicKey: Data, folder: URL) async throws {
            client = try await fixture.agent(site: site, agent: agent)
            let cache = try GalleryCache(folder: folder.appendingPathComponent("gallery-\(site)").path,
                                         verifier: WireGalleryVerifier(rawPublicKey: publicKey),
                                         builder: RecognitionGalleryBuilder(modelID: Backbone.dlib.modelID),
                                         expectedModelID: Backbone.dlib.modelID)
            self.cache = cache
            let online = try Availability(online: true, agentVersion: "test").encoded()
            try await client.publish(online, to: try Topic.availability(site: site, agent: agent).validated(), retain: true)
            let encoder = WireAgentEncoder(site: site, agent: agent, mode: .edgeMatch, version: "test")
            let messages = try await client.subscribe(to: encoder.galleryTopic)
            let client = self.client
            task = Task {
                for await message in messages {
                    let ack = try? encoder.galleryAck(cache.apply(message.payload))
                    if let ack { try? await client.publish(Data(ack.payload), to: ack.topic, retain: ack.retain) }
                }
            }
        }

        /// The workers of the cached gallery, sorted.
        var workers: [Int64] { cache.current.map { $0.gallery.workers.map(\.id).sorted() } ?? [] }

        func stop() async {
            task.cancel()
            await client.disconnect()
        }
    }

    /// Three workers with one enrollment embedding each, made in the cloud's database before it starts.
    static func seed(database: String) async throws -> (ids: [Int64], token: String) {
        let store = try SQLiteStore(path: database)
        var ids = [Int64]()
        for (index, name) in ["Ada", "Bo", "Cy"].enumerated() {
            let id = try #require(try await store.createWorker(name: name, actor: "test").id)
            let embedding = (0 ..< 128).map { Float($0 == index * 7 ? 1 : 0) }
            _ = try await store.addPhoto(EnrollmentPhoto(workerID: id, file: "none.jpg", embedding: embedding, quality: 1),
                                         actor: "test")
            ids.append(id)
        }
        return (ids, try await TokenIssuer(store: store).create(name: "test-admin", role: .admin).secret)
    }

    /// PUT /api/v1/workers/{id}/sites; the gallery version it published.
    static func setSites(_ sites: [String]?, worker: Int64, port: Int, token: String) async throws -> Int {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/workers/\(worker)/sites")),
                                 timeoutInterval: 10)
        request.httpMethod = "PUT"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["sites": sites as Any])
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: data, as: UTF8.self))")
        let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require((body["galleryVersion"] as? NSNumber)?.intValue)
    }

    @Test(.enabled(if: AcknowledgeAfterCommitTests.modelsPresent, "needs the models: rollcall models fetch"))
    func eachSitesAgentKeepsOnlyItsWorkersAndAcknowledgesARemoval() async throws {
        let fixture = try BrokerFixture(agents: [("alpha", "a1"), ("beta", "b1")])
        let port = try LoopbackPort.free()
        let data = fixture.folder.appendingPathComponent("a")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let (ids, token) = try await Self.seed(database: data.appendingPathComponent("db.sqlite").path)
        let (ada, bo, cy) = (ids[0], ids[1], ids[2])
        let keyFile = fixture.folder.appendingPathComponent("gallery.key").path
        let publicKey = try GallerySigner(keyFile: keyFile).publicKey
        let cloud = try CloudProcess(folder: fixture.folder, name: "a",
                                     yaml: fixture.cloudYAML(name: "a", httpPort: port, sites: ["alpha", "beta"]),
                                     httpPort: port)
        try cloud.start()
        defer { cloud.kill9() }
        #expect(await eventually(within: 90) { await cloud.metric("rollcall_cloud_mqtt_connected") == 1 }, "\(cloud.logTail())")
        let store = try SQLiteStore(path: data.appendingPathComponent("db.sqlite").path)

        let alpha = try await SiteAgent(fixture: fixture, site: "alpha", agent: "a1", publicKey: publicKey, folder: fixture.folder)
        let beta = try await SiteAgent(fixture: fixture, site: "beta", agent: "b1", publicKey: publicKey, folder: fixture.folder)
        #expect(await eventually(within: 30) { (try? await store.agents().count) == 2 })
        // The broker keeps each agent to its own site's gallery.
        await #expect(throws: (any Error).self) { _ = try await alpha.client.subscribe(to: try Topic.gallery(site: "beta").validated()) }

        // Ada works at alpha, Bo at beta, Cy everywhere.
        _ = try await Self.setSites(["alpha"], worker: ada, port: port, token: token)
        let both = try await Self.setSites(["beta"], worker: bo, port: port, token: token)
        #expect(await eventually(within: 60) { alpha.workers == [ada, cy] && beta.workers == [bo, cy] },
                "alpha \(alpha.workers), beta \(beta.workers)\n\(cloud.logTail())")
        #expect(await eventually(within: 30) {
            Set((try? await store.galleryAcks(version: both))?.map { "\($0.siteID)/\($0.agentID)" } ?? []) == ["alpha/a1", "beta/b1"]
        })

        // Ada moves to beta: alpha's agent loses her template and says so; beta's gains it.
        let moved = try await Self.setSites(["beta"], worker: ada, port: port, token: token)
        #expect(await eventually(within: 60) { alpha.workers == [cy] && beta.workers == [ada, bo, cy] },
                "alpha \(alpha.workers), beta \(beta.workers)\n\(cloud.logTail())")
        #expect(alpha.cache.version == UInt64(moved))
        #expect(await eventually(within: 30) {
            (try? await store.galleryAcks(version: moved))?.contains { $0.siteID == "alpha" && $0.agentID == "a1" } == true
        })
        #expect(try await store.agent(siteID: "alpha", id: "a1")?.galleryVersionAcked == moved)
        // What alpha's agent keeps on disk, re-read by a fresh cache, still lacks Ada.
        let reopened = try GalleryCache(folder: fixture.folder.appendingPathComponent("gallery-alpha").path,
                                        verifier: WireGalleryVerifier(rawPublicKey: publicKey),
                                        builder: RecognitionGalleryBuilder(modelID: Backbone.dlib.modelID),
                                        expectedModelID: Backbone.dlib.modelID)
        #expect(reopened.current.map { $0.gallery.workers.map(\.id).sorted() } == [cy])

        await alpha.stop()
        await beta.stop()
        #expect(await cloud.terminate())
    }
}
