import Cloud
import Foundation
import Testing

@Suite struct SQLiteStoreTests {
    @Test func migratesAndReopensTheSameFile() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let worker = try await env.store.createWorker(name: "Ada", actor: "test")
        let reopened = try SQLiteStore(path: env.config.storage.database)
        #expect(try await reopened.workers().map(\.id) == [worker.id])
        #expect(try await reopened.sites().map(\.id) == ["depot", "hq"])
    }

    @Test func refusesAnUnopenableDatabase() {
        #expect { _ = try SQLiteStore(path: "/proc/rollcall/x.sqlite") } throws: {
            ($0 as? CloudError)?.code == .storage
        }
    }

    @Test func agentsAndAcknowledgements() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        try await env.store.recordAgentSeen(id: "a1", siteID: "new-site", at: t0, status: "online",
                                            framesPerSecond: 14, outboxDepth: 3)
        #expect(try await env.store.site(id: "new-site")?.emotionEnabled == false)   // created on first sight, emotion off (EU AI Act Art. 5(1)(f))
        try await env.store.recordAgentSeen(id: "a1", siteID: "new-site", at: t0 + 5, status: "online",
                                            framesPerSecond: nil, outboxDepth: 0)
        var agent = try #require(try await env.store.agent(id: "a1"))
        #expect(agent.framesPerSecond == 14 && agent.outboxDepth == 0 && agent.lastSeen == t0 + 5)

        await #expect(throws: CloudError.self) { try await env.store.recordGalleryAck(agentID: "a1", version: 1, at: t0) }
        let version = try await env.store.addGalleryVersion(workerCount: 0, reason: "test", actor: "t") { Data("v\($0)".utf8) }
        #expect(version.version == 1 && version.snapshot == Data("v1".utf8))
        try await env.store.recordGalleryAck(agentID: "a1", version: 1, at: t0 + 6)
        agent = try #require(try await env.store.agent(id: "a1"))
        #expect(agent.galleryVersionAcked == 1)
        #expect(try await env.store.galleryAcks(version: 1).map(\.agentID) == ["a1"])
        let second = try await env.store.addGalleryVersion(workerCount: 0, reason: "again", actor: "t") { _ in Data() }
        #expect(second.version == 2)
        #expect(try await env.store.latestGalleryVersion()?.version == 2)
        #expect(try await env.store.galleryVersions(limit: 10).map(\.version) == [2, 1])
    }

    func detection(_ worker: Int64?, site: String = "hq", camera: String = "cam1", track: String = "t1",
                   time: Date, crop: String? = nil) -> Detection {
        Detection(time: time, siteID: site, agentID: "a1", camera: camera, trackID: track, workerID: worker,
                  distance: worker == nil ? 0.8 : 0.3, emotion: nil, emotionScore: nil, quality: 0.5, cropFile: crop)
    }

    @Test func detectionFiltersAndPagination() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let ada = try await env.store.createWorker(name: "Ada", actor: "t")
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0 ..< 25 {
            _ = try await env.store.insertDetection(detection(index % 5 == 0 ? nil : ada.id,
                                                              site: index < 20 ? "hq" : "depot",
                                                              camera: index % 2 == 0 ? "cam1" : "cam2",
                                                              track: "t\(index / 3)", time: t0 + Double(index)))
        }
        let all = DetectionFilter()
        var page = try await env.store.detections(all, limit: 10, cursor: nil)
        #expect(page.items.count == 10 && page.nextCursor != nil)
        var seen = page.items.compactMap(\.id)
        while let cursor = page.nextCursor {
            page = try await env.store.detections(all, limit: 10, cursor: cursor)
            seen += page.items.compactMap(\.id)
        }
        #expect(seen.count == 25 && Set(seen).count == 25 && seen == seen.sorted(by: >))

        #expect(try await env.store.detections(.init(siteID: "depot"), limit: 100, cursor: nil).items.count == 5)
        #expect(try await env.store.detections(.init(camera: "cam2"), limit: 100, cursor: nil).items.count == 12)
        #expect(try await env.store.detections(.init(unknown: true), limit: 100, cursor: nil).items.count == 5)
        #expect(try await env.store.detections(.init(unknown: false), limit: 100, cursor: nil).items.count == 20)
        #expect(try await env.store.detections(.init(workerID: ada.id), limit: 100, cursor: nil).items.count == 20)
        let window = DetectionFilter(from: t0 + 10, until: t0 + 15)
        #expect(try await env.store.detections(window, limit: 100, cursor: nil).items.map(\.time)
                    == (10 ..< 15).reversed().map { t0 + Double($0) })
        let combined = DetectionFilter(siteID: "hq", camera: "cam1", unknown: true)
        #expect(try await env.store.detections(combined, limit: 100, cursor: nil).items.count == 2)  // 0, 10

        let tracks = try await env.store.unknownTracks(limit: 100)
        #expect(Set(tracks.map(\.trackID)) == ["t0", "t1", "t3", "t5", "t6"])
        try await env.store.reviseTrack(agentID: "a1", trackID: "t0", workerID: ada.id, distance: 0.2)
        #expect(try await env.store.unknownTracks(limit: 100).count == 4)
    }

    @Test func deletingAWorkerRemovesTheirRowsAndReportsTheirFiles() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let ada = try await env.store.createWorker(name: "Ada", actor: "admin")
        let bo = try await env.store.createWorker(name: "Bo", actor: "admin")
        let adaID = try #require(ada.id), boID = try #require(bo.id)
        _ = try await env.store.addPhoto(EnrollmentPhoto(workerID: adaID, file: "p/ada.png", embedding: [1, 2], quality: 1),
                                         actor: "admin")
        _ = try await env.store.addPhoto(EnrollmentPhoto(workerID: boID, file: "p/bo.png", embedding: [3, 4], quality: 1),
                                         actor: "admin")
        await #expect(throws: CloudError.self) {
            try await env.store.addPhoto(EnrollmentPhoto(workerID: 999, file: "x", embedding: [], quality: 1), actor: "a")
        }
        let now = Date()
        _ = try await env.store.insertDetection(detection(adaID, time: now, crop: "c/ada1.jpg"))
        _ = try await env.store.insertDetection(detection(adaID, time: now, crop: nil))
        _ = try await env.store.insertDetection(detection(boID, time: now, crop: "c/bo.jpg"))
        #expect(try await env.store.enrollmentEmbeddings() == [adaID: [[1, 2]], boID: [[3, 4]]])

        let files = try await env.store.deleteWorker(id: adaID, actor: "token:admin")
        #expect(files == DeletedWorkerFiles(photoFiles: ["p/ada.png"], cropFiles: ["c/ada1.jpg"]))
        #expect(try await env.store.worker(id: adaID) == nil)
        #expect(try await env.store.photos(workerID: adaID).isEmpty)
        #expect(try await env.store.detections(.init(workerID: adaID), limit: 10, cursor: nil).items.isEmpty)
        #expect(try await env.store.enrollmentEmbeddings() == [boID: [[3, 4]]])
        let audit = try #require(try await env.store.auditLog(limit: 1).first)
        #expect(audit.action == "worker.delete" && audit.actor == "token:admin" && audit.subject == "worker:\(adaID)")
        await #expect { try await env.store.deleteWorker(id: adaID, actor: "a") } throws: {
            ($0 as? CloudError)?.code == .notFound
        }
    }

    @Test func tokensAreStoredAsHashesOnly() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let issuer = TokenIssuer(store: env.store)
        let (secret, token) = try await issuer.create(name: "ops", role: .viewer)
        #expect(secret.hasPrefix("rc_") && secret.count == 67)
        #expect(token.secretHash != secret && token.secretHash.count == 64)
        #expect(try await issuer.verify(secret)?.role == .viewer)
        #expect(try await issuer.verify(secret + "x") == nil)
        #expect(try await issuer.verify("garbage") == nil)
        let raw = try Data(contentsOf: URL(fileURLWithPath: env.config.storage.database))
        #expect(raw.range(of: Data(secret.utf8)) == nil)
    }

    @Test func expiredCropsByKind() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let ada = try await env.store.createWorker(name: "Ada", actor: "t")
        let now = Date()
        let old = now - 10 * 86400
        let known = try await env.store.insertDetection(detection(ada.id, time: old, crop: "k.jpg"))
        let unknown = try await env.store.insertDetection(detection(nil, time: old, crop: "u.jpg"))
        _ = try await env.store.insertDetection(detection(nil, time: now, crop: "fresh.jpg"))
        let expired = try await env.store.expiredCrops(knownBefore: now - 30 * 86400, unknownBefore: now - 7 * 86400,
                                                       limit: 10)
        #expect(expired.map(\.0) == [unknown.id].compactMap { $0 })
        let both = try await env.store.expiredCrops(knownBefore: now - 86400, unknownBefore: now - 86400, limit: 10)
        #expect(both.map(\.1) == ["k.jpg", "u.jpg"])
        try await env.store.clearCrops(detectionIDs: both.map(\.0))
        #expect(try await env.store.detection(id: try #require(known.id))?.cropFile == nil)
    }
}
