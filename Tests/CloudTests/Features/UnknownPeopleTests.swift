import Cloud
import FaceRecognition
import Foundation
import Logging
import Testing
import TestSupport

/// Recurring unknown people through the aggregator: unknown tracks clustered into people, then enrolled,
/// merged, split and dismissed.
@Suite struct UnknownPeopleTests {
    func crop(_ image: [UInt8], track: String, site: String = "hq", agent: String = "agent-1", quality: Double = 0.9) -> IncomingCrop {
        IncomingCrop(siteID: site, agentID: agent, camera: site == "hq" ? "door" : "gate", trackID: track, frameTime: Date(),
                     image: image, quality: quality, detectionScore: 0.9)
    }

    func clustering(_ env: TestEnvironment) throws -> UnknownPeopleClustering {
        try UnknownPeopleClustering(store: env.store, policy: .defaults(for: .dlib), metrics: env.metrics,
                                    logger: Logger(label: "test"))
    }

    /// Stranger A on axes 10 (three tracks, two sites), stranger B on axis 20 (two tracks).
    func strangers(_ env: TestEnvironment) async throws {
        try await env.registerAgent()
        try await env.registerAgent("agent-2", site: "depot")
        for (seed, axis, offset, track, site) in [(1, 10, 0.0, "a1", "hq"), (2, 10, 0.05, "a2", "hq"), (3, 10, 0.02, "a3", "depot"),
                                                  (4, 20, 0.0, "b1", "hq"), (5, 20, 0.04, "b2", "depot")] {
            let image = TestImages.png(seed: UInt8(100 + seed))
            env.recognizer.scriptFace(image, embedding: Embeddings.axis(axis, offset: Float(offset)))
            _ = try await env.aggregator.process(crop(image, track: track, site: site, agent: site == "hq" ? "agent-1" : "agent-2"))
        }
    }

    @Test func unknownTracksBecomePeopleAcrossCamerasAndSites() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await strangers(env)
        let job = try clustering(env)
        #expect(try await job.runOnce() == 5)
        #expect(try await job.runOnce() == 0)
        let people = try await env.store.unknownPeople(status: .active, limit: 10)
        #expect(people.map(\.sightings).sorted() == [2, 3])
        let a = try #require(people.first { $0.sightings == 3 })
        #expect(a.sites == ["depot", "hq"] && a.cameras == ["door", "gate"])
        // A later face of A (a new track) joins A.
        let later = TestImages.png(seed: 200)
        env.recognizer.scriptFace(later, embedding: Embeddings.axis(10, offset: 0.03))
        _ = try await env.aggregator.process(crop(later, track: "a4"))
        #expect(try await job.runOnce() == 1)
        #expect(try await env.store.unknownPerson(id: a.id)?.sightings == 4)
    }

    @Test func adminActionsElsewhereAreSeenByTheJob() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await strangers(env)
        let job = try clustering(env)
        try await job.runOnce()
        let people = try await env.store.unknownPeople(status: .active, limit: 10)
        let a = try #require(people.first { $0.sightings == 3 }), b = try #require(people.first { $0.sightings == 2 })
        // Split A's depot track off, merge B into A: the job reloads and keeps placing faces consistently.
        let depot = try #require(try await env.store.unknownSightings(personID: a.id).first { $0.siteID == "depot" })
        let split = try await env.aggregator.splitUnknownPerson(id: a.id, tracks: [depot.track], actor: "admin")
        #expect(split.sightings == 1)
        let merged = try await env.aggregator.mergeUnknownPeople(into: a.id, from: b.id, actor: "admin")
        #expect(merged.sightings == 4)
        let dismissed = try await env.aggregator.setUnknownPersonDismissed(id: split.id, true, actor: "admin")
        #expect(dismissed.status == .dismissed)
        // A new face like the split-off track joins that (dismissed) person, which keeps gathering sightings;
        // the merged person is untouched.
        let later = TestImages.png(seed: 201)
        env.recognizer.scriptFace(later, embedding: Embeddings.axis(10, offset: 0.02))
        _ = try await env.aggregator.process(crop(later, track: "a5", site: "depot", agent: "agent-2"))
        #expect(try await job.runOnce() == 1)
        let gathered = try #require(try await env.store.unknownPerson(id: split.id))
        #expect(gathered.sightings == 2 && gathered.status == .dismissed)
        #expect(try await env.store.unknownPerson(id: a.id)?.sightings == 4)
    }

    @Test func enrollingAPersonMakesAWorkerOfTheirBestCrops() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await strangers(env)
        let job = try clustering(env)
        try await job.runOnce()
        let a = try #require(try await env.store.unknownPeople(status: .active, limit: 10).first { $0.sightings == 3 })
        let enrolled = try await env.aggregator.enrollUnknownPerson(id: a.id, name: "Visitor A", actor: "admin")
        #expect(enrolled.photos == 3)   // one crop per track, quality 0.9 ≥ 0.5
        #expect(try await env.store.worker(id: enrolled.workerID)?.name == "Visitor A")
        #expect(try await env.store.unknownPerson(id: a.id)?.status == .enrolled)
        #expect(try await env.store.detections(.init(workerID: enrolled.workerID), limit: 10, cursor: nil).items.count == 3)
        #expect(env.aggregator.gallery?.worker(enrolled.workerID) != nil)
        // The same face is now recognised.
        let later = TestImages.png(seed: 202)
        env.recognizer.scriptFace(later, embedding: Embeddings.axis(10, offset: 0.01))
        #expect(try await env.aggregator.process(crop(later, track: "a9")).workerID == enrolled.workerID)
        await #expect(throws: CloudError.self) {
            try await env.aggregator.enrollUnknownPerson(id: a.id, name: "Again", actor: "admin")
        }
    }

    @Test func enrollingAnEmptyOrPoorPersonIsRefused() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent()
        let blurry = TestImages.png(seed: 7)
        env.recognizer.scriptFace(blurry, embedding: Embeddings.axis(30))
        _ = try await env.aggregator.process(crop(blurry, track: "p1", quality: 0.2))
        let job = try clustering(env)
        try await job.runOnce()
        let poor = try #require(try await env.store.unknownPeople(status: .active, limit: 10).first)
        do {
            _ = try await env.aggregator.enrollUnknownPerson(id: poor.id, name: "X", actor: "admin")
            Issue.record("a person without a good crop was enrolled")
        } catch {
            #expect(error.code == .photoRefused)
        }
        // An empty person (created, never given a sighting: a job that stopped in between).
        let progress = try await env.store.clusteringProgress()
        let empty = try await env.store.createUnknownPerson(at: Date(), expectedRevision: progress.revision)
        do {
            _ = try await env.aggregator.enrollUnknownPerson(id: empty.id, name: "X", actor: "admin")
            Issue.record("an empty person was enrolled")
        } catch {
            #expect(error.code == .badRequest)
            #expect(error.detail.contains("no sightings"))
        }
        #expect(try await env.store.workers().isEmpty)
    }
}
