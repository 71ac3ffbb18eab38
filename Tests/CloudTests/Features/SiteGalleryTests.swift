import Cloud
import FaceRecognition
import Foundation
import Testing
import TestSupport
import Wire

/// Galleries per site in the aggregator: each site's published gallery holds only the workers enrolled for it;
/// removing a worker from a site publishes a version without them for that site.
@Suite struct SiteGalleryTests {
    /// The workers in a site's published message of `version` (the version's own when the site has none).
    func workers(_ env: TestEnvironment, version: Int, site: String) async throws -> [Int64] {
        let own = try #require(try await env.store.galleryVersions(limit: 50).first { $0.version == version })
        let message = try await env.store.siteGalleryMessage(version: version, siteID: site) ?? own.snapshot
        let update = try GalleryUpdate(decoding: message)
        #expect(update.version == UInt64(version))
        return try Gallery(snapshot: [UInt8](update.snapshot), expectedModelID: nil).workers.map(\.id)
    }

    @Test func eachSiteReceivesOnlyItsWorkers() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let publisher = Task { await env.aggregator.galleryPublisher.run() }
        defer { publisher.cancel() }
        var ids = [Int64]()
        for (seed, name) in [(1, "Ada"), (2, "Bo"), (3, "Cy")] {
            let photo = TestImages.png(seed: UInt8(seed))
            env.recognizer.scriptFace(photo, embedding: Embeddings.axis(seed * 3))
            let id = try #require(try await env.aggregator.createWorker(name: name, actor: "admin").id)
            _ = try await env.aggregator.enroll(workerID: id, photo: photo, actor: "admin")
            ids.append(id)
        }
        let (ada, bo, cy) = (ids[0], ids[1], ids[2])
        try await env.aggregator.setWorkerSites(workerID: ada, sites: ["hq"], actor: "admin")
        let version = try await env.aggregator.setWorkerSites(workerID: bo, sites: ["depot"], actor: "admin")
        #expect(try await workers(env, version: version.version, site: "hq") == [ada, cy])
        #expect(try await workers(env, version: version.version, site: "depot") == [bo, cy])
        // The version's own message holds the every-site workers only (never a site's own).
        let own = try GalleryUpdate(decoding: version.snapshot)
        #expect(try Gallery(snapshot: [UInt8](own.snapshot), expectedModelID: nil).workers.map(\.id) == [cy])
        // The cloud itself still knows everyone (it notices a worker at a site outside their sites).
        #expect(env.aggregator.gallery?.workers.map(\.id) == [ada, bo, cy])
        // Each site was sent its own message of the latest version.
        #expect(await eventually {
            let sent = env.fleet.galleries.withLock { $0.filter { $0.0 == version.version }.flatMap(\.1) }
            return Set(sent) == ["hq", "depot"]
        })

        // Removing Ada from hq (moving her to depot) takes her template away from hq's next gallery.
        let moved = try await env.aggregator.setWorkerSites(workerID: ada, sites: ["depot"], actor: "admin")
        #expect(try await workers(env, version: moved.version, site: "hq") == [cy])
        #expect(try await workers(env, version: moved.version, site: "depot") == [ada, bo, cy])
        await #expect(throws: CloudError.self) { try await env.aggregator.setWorkerSites(workerID: ada, sites: [], actor: "admin") }
        await #expect(throws: CloudError.self) { try await env.aggregator.setWorkerSites(workerID: ada, sites: ["mars"], actor: "admin") }
        // Every site again.
        let everywhere = try await env.aggregator.setWorkerSites(workerID: ada, sites: nil, actor: "admin")
        #expect(try await workers(env, version: everywhere.version, site: "hq") == [ada, cy])
        #expect(try await env.store.siteGalleryMessage(version: everywhere.version, siteID: "depot") != nil)   // Bo is depot's own
    }
}
