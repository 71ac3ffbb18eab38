import Cloud
import Crypto
import FaceRecognition
import Foundation
import Logging
import ModelSupply
import MQTT
import Testing
import TestSupport
import Wire

/// Issue #13, gallery versions across processes: two `rollcall-cloud` processes on one PostgreSQL and one
/// Mosquitto take an enrollment each at the same moment. The versions are consecutive, the later one holds both
/// workers, every version is published once (by one of them), and a scripted agent acknowledges the latest.
@Suite(.serialized) struct ConcurrentEnrollmentTests {
    static let ready = AcknowledgeAfterCommitTests.modelsPresent && PostgresServer.available

    @Test(.enabled(if: ready, "needs the models (rollcall models fetch) and PostgreSQL 15 (scripts/setup)"))
    func twoEnrollmentsThroughTwoProcessesGiveConsecutiveVersionsBothPublished() async throws {
        let database = try PostgresServer()
        let fixture = try BrokerFixture(agents: [("hq", "door")])
        var clouds: [CloudProcess] = []
        for name in ["a", "b"] {
            let port = try LoopbackPort.free()
            let cloud = try CloudProcess(folder: fixture.folder, name: name,
                                         yaml: fixture.cloudYAML(name: name, httpPort: port, sites: ["hq"],
                                                                 postgresURL: database.url), httpPort: port)
            try cloud.start()
            clouds.append(cloud)
        }
        defer { clouds.forEach { $0.kill9() } }
        for cloud in clouds {
            #expect(await eventually(within: 120) { await cloud.metric("rollcall_cloud_mqtt_fleet_connected") == 1 },
                    "\(cloud.logTail())")
        }
        let store = try await PostgresStore.open(url: database.url, logger: Logger(label: "test"))
        let token = try await TokenIssuer(store: store).create(name: "test-admin", role: .admin).secret
        let ada = try #require(try await store.createWorker(name: "Ada", actor: "test").id)
        let bo = try #require(try await store.createWorker(name: "Bo", actor: "test").id)

        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try GallerySigner(
            keyFile: fixture.folder.appendingPathComponent("gallery.key").path).publicKey)
        let agent = try await GalleryAgent(client: try await fixture.agent(site: "hq", agent: "door"), site: "hq",
                                           agent: "door", publicKey: publicKey)
        try await agent.client.publish(try Availability(online: true, agentVersion: "test").encoded(),
                                       to: try Topic.availability(site: "hq", agent: "door").validated(), retain: true)
        #expect(await eventually(within: 30) { (try? await store.agent(siteID: "hq", id: "door")) != nil })

        // Both photos at once, one through each process.
        let models = try ModelStore.standard()
        let photos = [try Data(contentsOf: try models.url(for: "demo-obama")),
                      try Data(contentsOf: try models.url(for: "demo-biden"))]
        let answers = await withTaskGroup(of: (Int, String).self) { group in
            for (index, (cloud, worker)) in zip(clouds, [ada, bo]).enumerated() {
                group.addTask {
                    let answer = await cloud.request("/api/v1/workers/\(worker)/photos", token: token, method: "POST",
                                                     body: photos[index], contentType: "image/jpeg", timeout: 300)
                    return (answer?.0 ?? 0, String(decoding: answer?.1 ?? Data(), as: UTF8.self))
                }
            }
            var answers: [(Int, String)] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
        for (status, body) in answers { #expect(status == 201, "\(body)") }

        // Two consecutive versions; the later one holds both workers.
        let versions = try await store.galleryVersions(limit: 10)
        #expect(versions.map(\.version) == [2, 1])
        let latest = try #require(versions.first)
        let update = try GalleryUpdate.verified(decoding: latest.snapshot, publicKey: publicKey)
        let gallery = try Gallery(snapshot: [UInt8](update.snapshot), expectedModelID: Backbone.dlib.modelID)
        #expect(gallery.workers.map(\.id) == [ada, bo])
        #expect(versions.last?.workerCount == 1)

        // Both published, in order, once each; the agent acknowledged the latest.
        #expect(await eventually(within: 60) { agent.versions == [1, 2] },
                "received \(agent.versions)\n\(clouds.map { $0.logTail(15) }.joined(separator: "\n---\n"))")
        #expect(await eventually(within: 30) {
            (try? await store.agent(siteID: "hq", id: "door"))?.galleryVersionAcked == 2
        })
        #expect(try await store.galleryVersions(limit: 10).allSatisfy { $0.publishedAt != nil })
        // Each process exports its counters once a second: wait for both publications to show.
        #expect(await eventually(within: 30) {
            var publications = 0.0
            for cloud in clouds {
                publications += await cloud.metric("rollcall_cloud_gallery_publications_total") ?? 0
            }
            return publications == 2
        }, "gallery publications across both processes")
        #expect(agent.refused == 0)
        // Both processes decide with the latest version now (each loaded the other's).
        for cloud in clouds {
            #expect(await eventually(within: 30) { await cloud.metric("rollcall_cloud_gallery_workers") == 2 },
                    "\(cloud.name)")
        }
        await agent.stop()
        for cloud in clouds { #expect(await cloud.terminate()) }
    }
}
