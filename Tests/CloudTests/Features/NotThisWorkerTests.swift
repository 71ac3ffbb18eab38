import Cloud
import FaceRecognition
import Foundation
import Testing
import TestSupport
import Wire

/// "Not this worker" end to end in the aggregator: the correction refuses the stranger from then on, travels in
/// the signed gallery, re-decides the detection and its track, is audited and can be undone.
@Suite struct NotThisWorkerTests {
    func crop(_ image: [UInt8], track: String, site: String = "hq") -> IncomingCrop {
        IncomingCrop(siteID: site, agentID: "agent-1", camera: "door", trackID: track, frameTime: Date(), image: image,
                     quality: 0.9, detectionScore: 0.9)
    }

    /// Ada enrolled on axis 0; a stranger close enough to be taken for her.
    func setUp() async throws -> (TestEnvironment, Int64, [UInt8], [UInt8]) {
        let env = try await TestEnvironment()
        try await env.registerAgent()
        let photo = TestImages.png(seed: 1), stranger = TestImages.png(seed: 2), again = TestImages.png(seed: 3)
        env.recognizer.scriptFace(photo, embedding: Embeddings.axis(0))
        env.recognizer.scriptFace(stranger, embedding: Embeddings.axis(0, offset: 0.3))
        env.recognizer.scriptFace(again, embedding: Embeddings.axis(0, offset: 0.32))
        let ada = try #require(try await env.aggregator.createWorker(name: "Ada", actor: "admin").id)
        _ = try await env.aggregator.enroll(workerID: ada, photo: photo, actor: "admin")
        return (env, ada, stranger, again)
    }

    @Test func aMarkedFaceIsRefusedFromThenOnAndTheCorrectionCanBeUndone() async throws {
        let (env, ada, stranger, again) = try await setUp()
        defer { env.remove() }
        let wrong = try await env.aggregator.process(crop(stranger, track: "t1"))
        #expect(wrong.workerID == ada)

        let outcome = try await env.aggregator.markNotThisWorker(detectionID: wrong.detectionID, workerID: ada, siteID: "hq",
                                                                 actor: "token:admin")
        #expect(outcome.detectionWorkerID == nil && outcome.trackWorkerID == nil)
        #expect(try await env.store.detection(id: wrong.detectionID)?.workerID == nil)
        // The gallery carries the negative; the version's signed message too (what agents decide with).
        #expect(env.aggregator.gallery?.worker(ada)?.negatives.count == 1)
        let version = try #require(try await env.store.latestGalleryVersion())
        #expect(version.version == outcome.galleryVersion)
        let update = try GalleryUpdate(decoding: version.snapshot)
        let shipped = try Gallery(snapshot: [UInt8](update.snapshot), expectedModelID: nil)
        #expect(shipped.worker(ada)?.negatives == [Embeddings.axis(0, offset: 0.3)])
        // The same stranger later, on another track: not Ada any more.
        let later = try await env.aggregator.process(crop(again, track: "t2"))
        #expect(later.workerID == nil)

        let audit = try await env.store.auditLog(limit: 30)
        #expect(audit.contains { $0.action == "detection.not_this_worker" && $0.actor == "token:admin"
                && $0.subject == "detection:\(wrong.detectionID)" })

        let undone = try await env.aggregator.undoNotThisWorker(correctionID: outcome.correctionID, actor: "token:admin")
        #expect(undone.undone && undone.trackWorkerID == ada)
        #expect(try await env.store.detection(id: wrong.detectionID)?.workerID == ada)
        #expect(env.aggregator.gallery?.worker(ada)?.negatives.isEmpty == true)
        #expect(try await env.aggregator.process(crop(again, track: "t3")).workerID == ada)
        #expect(try await env.store.auditLog(limit: 30).contains { $0.action == "detection.not_this_worker.undo" })
        await #expect(throws: CloudError.self) {
            try await env.aggregator.undoNotThisWorker(correctionID: outcome.correctionID, actor: "token:admin")
        }
    }

    @Test func anotherSitesOrAReDecidedDetectionIsRefused() async throws {
        let (env, ada, stranger, _) = try await setUp()
        defer { env.remove() }
        let wrong = try await env.aggregator.process(crop(stranger, track: "t1"))
        do {
            _ = try await env.aggregator.markNotThisWorker(detectionID: wrong.detectionID, workerID: ada, siteID: "depot",
                                                           actor: "admin")
            Issue.record("a detection of another site was corrected")
        } catch {
            #expect(error.code == .badRequest)
            #expect(error.detail.contains("site hq, not depot"))
        }
        do {
            _ = try await env.aggregator.markNotThisWorker(detectionID: wrong.detectionID, workerID: ada + 1, siteID: "hq",
                                                           actor: "admin")
            Issue.record("a detection of another worker was corrected")
        } catch {
            #expect(error.code == .conflict)
        }
        await #expect(throws: CloudError.self) {
            try await env.aggregator.markNotThisWorker(detectionID: 9999, workerID: ada, siteID: "hq", actor: "admin")
        }
        #expect(try await env.store.negatives(workerID: nil, includeUndone: true, limit: 10).isEmpty)
    }
}
