import Cloud
import Foundation
import Testing

/// The `Store` contract: every check runs against SQLite and against PostgreSQL (a throwaway server).
@Suite struct StoreContractTests {
    @Test func sqliteMigratesAndReopensTheSameFile() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let worker = try await env.store.createWorker(name: "Ada", actor: "test")
        let reopened = try SQLiteStore(path: env.config.storage.database)
        #expect(try await reopened.workers().map(\.id) == [worker.id])
        #expect(try await reopened.sites().map(\.id) == ["depot", "hq"])
    }

    @Test func sqliteRefusesAnUnopenableDatabase() {
        #expect { _ = try SQLiteStore(path: "/proc/rollcall/x.sqlite") } throws: {
            ($0 as? CloudError)?.code == .storage
        }
    }

    @Test(arguments: StoreKind.allCases)
    func agentsAndAcknowledgements(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        try await env.store.recordAgentSeen(siteID: "new-site", id: "a1", at: t0, status: "online",
                                            framesPerSecond: 14, outboxDepth: 3, outboxDropped: 2)
        #expect(try await env.store.site(id: "new-site")?.emotionEnabled == false)   // created on first sight, emotion off (EU AI Act Art. 5(1)(f))
        try await env.store.recordAgentSeen(siteID: "new-site", id: "a1", at: t0 + 5, status: "online",
                                            framesPerSecond: nil, outboxDepth: 0, outboxDropped: nil)
        var agent = try #require(try await env.store.agent(siteID: "new-site", id: "a1"))
        #expect(agent.framesPerSecond == 14 && agent.outboxDepth == 0 && agent.lastSeen == t0 + 5)
        #expect(agent.outboxDropped == 2)
        // The same agent id at another site is another agent: the first is not re-homed.
        try await env.store.recordAgentSeen(siteID: "hq", id: "a1", at: t0 + 7, status: "online",
                                            framesPerSecond: 3, outboxDepth: 9, outboxDropped: 0)
        #expect(try await env.store.agent(siteID: "new-site", id: "a1")?.outboxDepth == 0)
        #expect(try await env.store.agents().map(\.qualifiedID) == ["hq/a1", "new-site/a1"])

        await #expect(throws: CloudError.self) { try await env.store.recordGalleryAck(siteID: "new-site", agentID: "a1", version: 1, at: t0) }
        let version = try await env.store.addGalleryVersion(workerCount: 0, reason: "test", actor: "t") { Data("v\($0)".utf8) }
        #expect(version.version == 1 && version.snapshot == Data("v1".utf8))
        try await env.store.recordGalleryAck(siteID: "new-site", agentID: "a1", version: 1, at: t0 + 6)
        agent = try #require(try await env.store.agent(siteID: "new-site", id: "a1"))
        #expect(agent.galleryVersionAcked == 1)
        #expect(try await env.store.galleryAcks(version: 1).map(\.agentID) == ["a1"])
        let second = try await env.store.addGalleryVersion(workerCount: 0, reason: "again", actor: "t") { _ in Data() }
        #expect(second.version == 2)
        #expect(try await env.store.latestGalleryVersion()?.version == 2)
        #expect(try await env.store.galleryVersions(limit: 10).map(\.version) == [2, 1])
    }

    @Test(arguments: StoreKind.allCases)
    func cropAdmissionReadsTheAgentTheSiteAndTheMessage(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let message = UUID()
        #expect(try await env.store.cropAdmission(siteID: "hq", agentID: "a1", messageID: message)
                == CropAdmission(duplicate: false, agentKnown: false, emotionEnabled: true))
        try await env.store.recordAgentSeen(siteID: "hq", id: "a1", at: Date(), status: "online", framesPerSecond: nil,
                                            outboxDepth: nil, outboxDropped: nil)
        _ = try await env.store.insertDetection(detection(nil, time: Date(), message: message))
        #expect(try await env.store.cropAdmission(siteID: "hq", agentID: "a1", messageID: message)
                == CropAdmission(duplicate: true, agentKnown: true, emotionEnabled: true))
        // No message id (not from MQTT) is never a duplicate; another site's same agent id is another agent.
        #expect(try await env.store.cropAdmission(siteID: "hq", agentID: "a1", messageID: nil).duplicate == false)
        #expect(try await env.store.cropAdmission(siteID: "depot", agentID: "a1", messageID: message)
                == CropAdmission(duplicate: false, agentKnown: false, emotionEnabled: false))
        #expect(try await env.store.cropAdmission(siteID: "nowhere", agentID: "a1", messageID: nil)
                == CropAdmission(duplicate: false, agentKnown: false, emotionEnabled: false))
    }

    func detection(_ worker: Int64?, site: String = "hq", camera: String = "cam1", track: String = "t1",
                   time: Date, crop: String? = nil, message: UUID? = nil) -> Detection {
        Detection(time: time, siteID: site, agentID: "a1", camera: camera, trackID: track, workerID: worker,
                  distance: worker == nil ? 0.8 : 0.3, emotion: nil, emotionScore: nil, quality: 0.5, cropFile: crop,
                  messageID: message)
    }

    @Test(arguments: StoreKind.allCases)
    func detectionFiltersAndPagination(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
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
        try await env.store.reviseTrack(siteID: "hq", agentID: "a1", trackID: "t0", workerID: ada.id, distance: 0.2)
        #expect(try await env.store.unknownTracks(limit: 100).count == 4)
    }

    @Test(arguments: StoreKind.allCases)
    func deletingAWorkerRemovesTheirRowsAndReportsTheirFiles(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
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

    @Test(arguments: StoreKind.allCases)
    func tokensAreStoredAsHashesOnly(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let issuer = TokenIssuer(store: env.store)
        let (secret, token) = try await issuer.create(name: "ops", role: .viewer)
        #expect(secret.hasPrefix("rc_") && secret.count == 67)
        #expect(token.secretHash != secret && token.secretHash.count == 64)
        #expect(try await issuer.verify(secret)?.role == .viewer)
        #expect(try await issuer.verify(secret + "x") == nil)
        #expect(try await issuer.verify("garbage") == nil)
        switch kind {
        case .sqlite:
            let raw = try Data(contentsOf: env.folder.appendingPathComponent("db.sqlite"))
            #expect(raw.range(of: Data(secret.utf8)) == nil)
        case .postgres:
            let dump = try #require(env.server).psql("SELECT * FROM api_token")
            #expect(!dump.contains(secret) && dump.contains(token.secretHash))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func expiredCropsByKind(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let ada = try await env.store.createWorker(name: "Ada", actor: "t")
        let now = Date()
        let old = now - 10 * 86400
        let known = try #require(try await env.store.insertDetection(detection(ada.id, time: old, crop: "k.jpg")))
        let unknown = try #require(try await env.store.insertDetection(detection(nil, time: old, crop: "u.jpg")))
        _ = try await env.store.insertDetection(detection(nil, time: now, crop: "fresh.jpg"))
        let expired = try await env.store.expiredCrops(knownBefore: now - 30 * 86400, unknownBefore: now - 7 * 86400,
                                                       limit: 10)
        #expect(expired.map(\.0) == [unknown.id].compactMap { $0 })
        let both = try await env.store.expiredCrops(knownBefore: now - 86400, unknownBefore: now - 86400, limit: 10)
        #expect(both.map(\.1) == ["k.jpg", "u.jpg"])
        try await env.store.clearCrops(detectionIDs: both.map(\.0))
        #expect(try await env.store.detection(id: try #require(known.id))?.cropFile == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func aMessageIsStoredOncePerSiteAndAgent(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let id = UUID(), now = Date()
        let first = try #require(try await env.store.insertDetection(detection(nil, time: now, message: id)))
        #expect(try await env.store.insertDetection(detection(nil, time: now, message: id)) == nil)
        #expect(try await env.store.insertDetection(detection(nil, site: "depot", time: now, message: id)) != nil)
        #expect(try await env.store.detectionExists(siteID: "hq", agentID: "a1", messageID: id))
        #expect(try await !env.store.detectionExists(siteID: "hq", agentID: "a2", messageID: id))
        #expect(try await env.store.detection(id: try #require(first.id))?.messageID == id)
        // Detections without a message id (HTTP, tests) are never duplicates of each other.
        #expect(try await env.store.insertDetection(detection(nil, time: now)) != nil)
        #expect(try await env.store.insertDetection(detection(nil, time: now)) != nil)
        #expect(try await env.store.detections(.init(), limit: 10, cursor: nil).items.count == 4)
    }

    @Test(arguments: StoreKind.allCases)
    func sightingsAreStoredOncePerAgentMessageAndCountedPerCamera(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        func sighting(_ message: String, agent: String = "a1", camera: String = "yard", reason: String = "too_small",
                      lastSeen: Date, largest: Double = 20) -> FaceSightingRecord {
            FaceSightingRecord(messageID: message, siteID: "hq", agentID: agent, camera: camera, trackID: "7",
                               firstSeen: lastSeen - 3, lastSeen: lastSeen, detections: 30, largestFacePixels: largest,
                               reason: reason, storedAt: lastSeen)
        }
        #expect(try await env.store.insertSighting(sighting("m1", lastSeen: t0 + 10, largest: 31.5)))
        #expect(try await !env.store.insertSighting(sighting("m1", lastSeen: t0 + 10)), "a redelivery is stored once")
        // The same message id from another agent is another message.
        #expect(try await env.store.insertSighting(sighting("m1", agent: "a2", lastSeen: t0 + 20)))
        #expect(try await env.store.insertSighting(sighting("m2", lastSeen: t0 + 30, largest: 22)))
        #expect(try await env.store.insertSighting(sighting("m3", reason: "low_quality", lastSeen: t0 + 5)))
        #expect(try await env.store.insertSighting(sighting("m4", camera: "door", lastSeen: t0 - 100)))
        let counts = try await env.store.sightingsPerCamera(since: t0)
        // Most recent first; the sighting before `since` is not counted.
        #expect(counts.map { "\($0.agentID)/\($0.camera)/\($0.reason)" } == ["a1/yard/too_small", "a2/yard/too_small",
                                                                            "a1/yard/low_quality"])
        let yard = try #require(counts.first)
        #expect(yard.siteID == "hq" && yard.count == 2 && yard.lastSeen == t0 + 30 && yard.largestFacePixels == 31.5)
        #expect(counts.last?.count == 1 && counts.last?.lastSeen == t0 + 5)
        #expect(try await env.store.sightingsPerCamera(since: t0 - 200).count == 4)
    }

    @Test(arguments: StoreKind.allCases)
    func aSightingsEventIsStoredInItsTransaction(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let tail = try await env.store.liveEventTail()
        let sighting = FaceSightingRecord(messageID: "m1", siteID: "hq", agentID: "a1", camera: "yard", trackID: "7",
                                          firstSeen: Date(), lastSeen: Date(), detections: 3, largestFacePixels: 20,
                                          reason: "too_small", storedAt: Date())
        let event = LiveEvent(name: "sighting", data: "{\"message\":\"m1\"}")
        #expect(try await env.store.insertSighting(sighting, event: event))
        // A redelivery stores neither the sighting nor its event again.
        #expect(try await !env.store.insertSighting(sighting, event: event))
        let events = try await env.store.liveEvents(after: tail, limit: 10)
        #expect(events.map(\.name) == ["sighting"] && events.first?.data == event.data)
    }

    @Test(arguments: StoreKind.allCases)
    func aCorrectionsRedecisionIsStoredWithItsEvent(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let ada = try #require(try await env.store.createWorker(name: "Ada", actor: "t").id)
        let now = Date()
        let marked = try #require(try await env.store.insertDetection(detection(ada, track: "t1", time: now)))
        let other = try #require(try await env.store.insertDetection(detection(ada, track: "t1", time: now)))
        let elsewhere = try #require(try await env.store.insertDetection(detection(ada, track: "t2", time: now)))
        let tail = try await env.store.liveEventTail()
        // The track stays Ada's; the marked detection alone becomes unknown.
        let redecision = CorrectionRedecision(siteID: "hq", agentID: "a1", trackID: "t1",
                                              track: TrackRevision(workerID: ada, distance: 0.2),
                                              detectionID: marked.id, detection: TrackRevision(workerID: nil, distance: 0.7))
        try await env.store.storeRedecision(redecision, event: LiveEvent(name: "correction", data: "{}"))
        #expect(try await env.store.detection(id: try #require(marked.id))?.workerID == nil)
        #expect(try await env.store.detection(id: try #require(marked.id))?.distance == 0.7)
        #expect(try await env.store.detection(id: try #require(other.id))?.distance == 0.2)
        #expect(try await env.store.detection(id: try #require(elsewhere.id))?.distance == 0.3)
        // Nothing re-decided (an undone correction whose detection is gone): the event alone.
        try await env.store.storeRedecision(nil, event: LiveEvent(name: "correction", data: "{\"undone\":true}"))
        #expect(try await env.store.liveEvents(after: tail, limit: 10).map(\.data) == ["{}", "{\"undone\":true}"])
    }

    @Test(arguments: StoreKind.allCases)
    func blobsAreSavedReadAndRemoved(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let name = try await env.blobs.save([1, 2, 3], extension: "jpg", at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(name.hasPrefix("2027/01/15/") && name.hasSuffix(".jpg"))
        #expect(try await env.blobs.read(name) == Data([1, 2, 3]))
        #expect(await env.blobs.exists(name))
        #expect(await env.blobs.remove([name, "2027/01/15/gone.jpg"]) == 1)
        #expect(await !env.blobs.exists(name))
        await #expect { try await env.blobs.read(name) } throws: { ($0 as? CloudError)?.code == .notFound }
    }
}
