import Cloud
import Emotion
import Foundation
import Testing
import TestSupport

@Suite struct AggregatorTests {
    func crop(_ image: [UInt8], agent: String = "agent-1", site: String = "hq", track: String = "t1",
              quality: Double = 0.9) -> IncomingCrop {
        IncomingCrop(siteID: site, agentID: agent, camera: "door", trackID: track, frameTime: Date(), image: image,
                     quality: quality, detectionScore: 0.9)
    }

    @Test func enrollRecognizeAndDelete() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let publisher = Task { await env.aggregator.galleryPublisher.run() }
        defer { publisher.cancel() }
        try await env.registerAgent()
        let photo1 = TestImages.png(seed: 1), photo2 = TestImages.png(seed: 2)
        let probe = TestImages.png(seed: 3), stranger = TestImages.png(seed: 4)
        env.recognizer.scriptFace(photo1, embedding: Embeddings.axis(0, offset: 0.1))
        env.recognizer.scriptFace(photo2, embedding: Embeddings.axis(0, offset: -0.1))
        env.recognizer.scriptFace(probe, embedding: Embeddings.axis(0, offset: 0.2))
        env.recognizer.scriptFace(stranger, embedding: Embeddings.axis(7))

        let ada = try await env.aggregator.createWorker(name: "  Ada  ", actor: "token:admin")
        #expect(ada.name == "Ada")
        let adaID = try #require(ada.id)
        _ = try await env.aggregator.enroll(workerID: adaID, photo: photo1, actor: "token:admin")
        let (_, version) = try await env.aggregator.enroll(workerID: adaID, photo: photo2, actor: "token:admin")
        #expect(version.version == 2 && version.workerCount == 1)
        // The durable publisher publishes the latest version (an older one not yet sent is superseded).
        #expect(await eventually { env.fleet.galleries.withLock { $0.last?.0 } == 2 })
        #expect(env.fleet.galleries.withLock { $0.last?.1 } == ["depot", "hq"])
        #expect(env.aggregator.gallery?.workers.first?.centroid[1] == 0)

        let known = try await env.aggregator.process(crop(probe))
        #expect(known.workerID == adaID && known.workerName == "Ada" && known.emotion == "happy")
        #expect(abs((known.distance ?? 1) - 0.2) < 1e-5)
        let unknown = try await env.aggregator.process(crop(stranger, track: "t2"))
        #expect(unknown.workerID == nil)
        let quiet = try await env.aggregator.process(crop(probe, site: "depot", track: "t3").withAgent("agent-2"),
                                                     registering: env)
        #expect(quiet.emotion == nil)   // depot's policy turns emotion off
        #expect(await eventually { env.fleet.results.withLock { $0.count } == 3 })

        let stored = try #require(try await env.store.detection(id: known.detectionID))
        let cropFile = try #require(stored.cropFile)
        #expect(await env.aggregator.crops.exists(cropFile))
        let photoFiles = try await env.store.photos(workerID: adaID).map(\.file)
        for file in photoFiles { #expect(await env.aggregator.photos.exists(file)) }

        let deletion = try await env.aggregator.deleteWorker(id: adaID, actor: "token:admin")
        #expect(deletion.version == 3 && deletion.workerCount == 0)
        #expect(await !env.aggregator.crops.exists(cropFile))
        for file in photoFiles { #expect(await !env.aggregator.photos.exists(file)) }
        #expect(env.files(under: env.config.storage.photosDirectory).isEmpty)
        #expect(try await env.store.detections(.init(workerID: adaID), limit: 10, cursor: nil).items.isEmpty)
        // After deletion the same face is unknown.
        let after = try await env.aggregator.process(crop(probe, track: "t9"))
        #expect(after.workerID == nil)

        try await env.aggregator.galleryAcknowledged(siteID: "hq", agentID: "agent-1", version: 3)
        let audit = try await env.store.auditLog(limit: 20)
        #expect(audit.contains { $0.action == "worker.delete" && $0.actor == "token:admin" })
        #expect(audit.contains { $0.action == "gallery.ack" && $0.subject == "gallery:3" && $0.actor == "agent:hq/agent-1" })
        #expect(try await env.store.agent(siteID: "hq", id: "agent-1")?.galleryVersionAcked == 3)
    }

    @Test func enrollmentPhotosAreChecked() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let worker = try await env.aggregator.createWorker(name: "Bo", actor: "a")
        let id = try #require(worker.id)
        let none = TestImages.png(seed: 10), two = TestImages.png(seed: 11)
        let small = TestImages.png(seed: 12), blurred = TestImages.png(seed: 13)
        env.recognizer.scriptFace(small, embedding: Embeddings.axis(1), side: 30)
        env.recognizer.scriptFace(blurred, embedding: Embeddings.axis(1), sharpness: 2)
        let face = ScriptedRecognizer.face(embedding: Embeddings.axis(1))
        env.recognizer.script(two, faces: [face, face])
        for (bytes, words) in [(none, "no face"), (two, "2 faces"), (small, "30 px"), (blurred, "blurred")] {
            await #expect {
                try await env.aggregator.enroll(workerID: id, photo: bytes, actor: "a")
            } throws: { error in
                let error = error as? CloudError
                return error?.code == .photoRefused && error?.detail.contains(words) == true
            }
        }
        await #expect { try await env.aggregator.enroll(workerID: id, photo: Array("text".utf8), actor: "a") } throws: {
            ($0 as? CloudError)?.code == .notAnImage
        }
        await #expect { try await env.aggregator.enroll(workerID: 99, photo: small, actor: "a") } throws: {
            ($0 as? CloudError)?.code == .notFound
        }
        #expect(try await env.store.photos(workerID: id).isEmpty)
        #expect(env.files(under: env.config.storage.photosDirectory).isEmpty)
        #expect(env.metrics.counter("rollcall_cloud_photos_refused_total", labels: ["reason": "too_small"]) == 1)
    }

    @Test func badCropsAreRefusedAndCounted() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent()
        let face = TestImages.png(seed: 20)
        env.recognizer.scriptFace(face, embedding: Embeddings.axis(2))
        await #expect { try await env.aggregator.process(crop(face, agent: "intruder")) } throws: {
            ($0 as? CloudError)?.code == .badMessage
        }
        // An agent is (site, agent): hq's agent-1 is not depot's.
        await #expect { try await env.aggregator.process(crop(face, site: "depot")) } throws: {
            ($0 as? CloudError)?.subject == "agent depot/agent-1"
        }
        await #expect { try await env.aggregator.process(crop(Array("junk".utf8))) } throws: {
            ($0 as? CloudError)?.code == .notAnImage
        }
        await #expect { try await env.aggregator.process(crop(TestImages.png(seed: 21))) } throws: {
            ($0 as? CloudError)?.detail.contains("cannot be aligned") == true
        }
        #expect(env.metrics.counter("rollcall_cloud_crops_refused_total", labels: ["reason": "badMessage"]) == 3)
        #expect(env.metrics.counter("rollcall_cloud_crops_refused_total", labels: ["reason": "notAnImage"]) == 1)
        #expect(try await env.store.detections(.init(), limit: 10, cursor: nil).items.isEmpty)
        // Still works afterwards.
        #expect(try await env.aggregator.process(crop(face)).workerID == nil)
    }

    @Test func trackFusionRevisesStoredDetections() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent()
        let enrollment = TestImages.png(seed: 30)
        env.recognizer.scriptFace(enrollment, embedding: Embeddings.axis(0))
        let worker = try await env.aggregator.createWorker(name: "Cy", actor: "a")
        _ = try await env.aggregator.enroll(workerID: try #require(worker.id), photo: enrollment, actor: "a")
        let poor = TestImages.png(seed: 31), good = TestImages.png(seed: 32)
        // Poor crop: far from the centroid (distance 0.8), small and blurred.
        var far = Embeddings.axis(0)
        far[0] = 0.2
        far[1] = 0.0
        env.recognizer.scriptFace(poor, embedding: far, side: 20, sharpness: 5)
        env.recognizer.scriptFace(good, embedding: Embeddings.axis(0, offset: 0.05))
        let first = try await env.aggregator.process(crop(poor, quality: 0.1))
        #expect(first.workerID == nil)
        let second = try await env.aggregator.process(crop(good, quality: 1))
        #expect(second.workerID == worker.id && second.revised)
        let stored = try await env.store.detections(.init(trackID: "t1"), limit: 10, cursor: nil).items
        #expect(stored.count == 2 && stored.allSatisfy { $0.workerID == worker.id })
    }

    @Test func assigningAnUnknownTrackEnrollsItsCrops() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent()
        let a = TestImages.png(seed: 40), b = TestImages.png(seed: 41)
        env.recognizer.scriptFace(a, embedding: Embeddings.axis(9), side: 40)
        env.recognizer.scriptFace(b, embedding: Embeddings.axis(9, offset: 0.1), side: 40)
        _ = try await env.aggregator.process(crop(a, track: "u1"))
        _ = try await env.aggregator.process(crop(b, track: "u1"))
        #expect(try await env.store.unknownTracks(limit: 10).map(\.trackID) == ["u1"])
        let worker = try await env.aggregator.createWorker(name: "Dee", actor: "a")
        let id = try #require(worker.id)
        let (photos, version) = try await env.aggregator.assignTrack(agentID: "agent-1", trackID: "u1", workerID: id,
                                                                     actor: "token:admin")
        #expect(photos == 2 && version.workerCount == 1)
        #expect(try await env.store.photos(workerID: id).count == 2)
        #expect(try await env.store.unknownTracks(limit: 10).isEmpty)
        #expect(try await env.aggregator.process(crop(a, track: "u2")).workerID == id)
    }

    @Test func emotionIsSmoothedPerTrack() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent()
        func estimate(_ index: Int, _ p: Float) -> EmotionEstimate {
            var probabilities = [Float](repeating: (1 - p) / 6, count: 7)
            probabilities[index] = p
            return EmotionEstimate(probabilities: probabilities)
        }
        // Three happy crops, then one sad one on the same track; another track is sad from its first crop.
        var results: [RecognitionResult] = []
        for (seed, emotion): (UInt8, EmotionEstimate) in [(80, estimate(3, 0.9)), (81, estimate(3, 0.9)), (82, estimate(3, 0.9)),
                                (83, estimate(4, 0.9))] {
            let image = TestImages.png(seed: seed)
            env.recognizer.scriptFace(image, embedding: Embeddings.axis(80), emotion: emotion)
            results.append(try await env.aggregator.process(crop(image, track: "e1")))
        }
        #expect(results.map(\.emotion) == ["happy", "happy", "happy", "happy"])
        #expect(results[3].emotionScore.map { $0 < 0.9 && $0 > 0.5 } == true)
        let stored = try #require(try await env.store.detection(id: results[3].detectionID))
        #expect(stored.emotion == "happy" && stored.cropEmotion == "sad" && stored.cropEmotionScore == Double(Float(0.9)))
        #expect(await eventually {
            env.fleet.results.withLock { $0.contains { $0.detectionID == results[3].detectionID && $0.emotion == "happy" } }
        })
        let other = TestImages.png(seed: 84)
        env.recognizer.scriptFace(other, embedding: Embeddings.axis(81), emotion: estimate(4, 0.9))
        #expect(try await env.aggregator.process(crop(other, track: "e2")).emotion == "sad")
        // A flat estimate reads "uncertain".
        let flat = TestImages.png(seed: 85)
        env.recognizer.scriptFace(flat, embedding: Embeddings.axis(82), emotion: estimate(6, 0.25))
        let uncertain = try await env.aggregator.process(crop(flat, track: "e3"))
        #expect(uncertain.emotion == TrackEmotion.uncertain && uncertain.emotionScore.map { abs($0 - 0.25) < 1e-6 } == true)
        // Where the site's policy turns emotion off, nothing is estimated, smoothed or stored.
        let quiet = try await env.aggregator.process(crop(other, site: "depot", track: "e4").withAgent("agent-2"),
                                                     registering: env)
        let quietRow = try #require(try await env.store.detection(id: quiet.detectionID))
        #expect(quiet.emotion == nil && quietRow.emotion == nil && quietRow.cropEmotion == nil)
    }

    @Test func retentionRemovesExpiredCropsPerKind() async throws {
        let env = try await TestEnvironment { $0.retention.knownDays = 30; $0.retention.unknownDays = 7 }
        defer { env.remove() }
        try await env.registerAgent()
        let enrolled = TestImages.png(seed: 50), stranger = TestImages.png(seed: 51)
        env.recognizer.scriptFace(enrolled, embedding: Embeddings.axis(0))
        env.recognizer.scriptFace(stranger, embedding: Embeddings.axis(50))
        let worker = try await env.aggregator.createWorker(name: "Eve", actor: "a")
        _ = try await env.aggregator.enroll(workerID: try #require(worker.id), photo: enrolled, actor: "a")
        var old = crop(enrolled, track: "k")
        old.frameTime = Date() - 10 * 86400
        var oldStranger = crop(stranger, track: "u")
        oldStranger.frameTime = Date() - 10 * 86400
        let known = try await env.aggregator.process(old)
        let unknown = try await env.aggregator.process(oldStranger)
        #expect(env.files(under: env.config.storage.cropsDirectory).count == 2)
        let service = RetentionService(store: env.store, crops: env.aggregator.crops, retention: env.config.retention,
                                       metrics: env.metrics, logger: .init(label: "t"))
        #expect(try await service.sweep(now: Date()) == 1)
        #expect(try await env.store.detection(id: unknown.detectionID)?.cropFile == nil)
        #expect(try await env.store.detection(id: known.detectionID)?.cropFile != nil)
        #expect(env.files(under: env.config.storage.cropsDirectory).count == 1)
        #expect(try await service.sweep(now: Date() + 25 * 86400) == 1)
        #expect(env.files(under: env.config.storage.cropsDirectory).isEmpty)
    }

    @Test func retentionExpiresOldNotificationDeliveries() async throws {
        let env = try await TestEnvironment { $0.retention.notificationDays = 30 }
        defer { env.remove() }
        for (key, age) in [("old", 40.0), ("recent", 2.0)] {
            let event = NotificationEvent(key: key, kind: .agentOffline, time: Date() - age * 86400, message: key)
            _ = try await env.store.recordNotificationDelivery(NotificationDelivery(
                event, channel: .mqtt, target: "rollcall/v1/notifications/agent_offline", outcome: .delivered,
                attempts: 1, finishedAt: Date() - age * 86400))
        }
        let service = RetentionService(store: env.store, crops: env.aggregator.crops, retention: env.config.retention,
                                       metrics: env.metrics, logger: .init(label: "t"))
        #expect(try await service.sweepLiveState(now: Date()) == 1)
        #expect(try await env.store.notificationDeliveries(limit: 10, cursor: nil).items.map(\.eventKey) == ["recent"])
        #expect(env.metrics.counter("rollcall_cloud_notification_log_expired_total") == 1)
    }
}

extension IncomingCrop {
    func withAgent(_ agent: String) -> IncomingCrop {
        var copy = self
        copy.agentID = agent
        return copy
    }
}

extension Aggregator {
    /// Registers the crop's agent at the crop's site first, then processes it.
    func process(_ crop: IncomingCrop, registering env: TestEnvironment) async throws -> RecognitionResult {
        try await env.registerAgent(crop.agentID, site: crop.siteID)
        return try await process(crop)
    }
}
