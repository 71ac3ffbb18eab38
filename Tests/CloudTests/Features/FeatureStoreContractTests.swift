import Cloud
import FaceRecognition
import Foundation
import Testing

/// The stores of issue 17's features, on SQLite and on PostgreSQL (a throwaway server): the same checks on both.
@Suite struct FeatureStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func detection(_ worker: Int64?, site: String = "hq", agent: String = "a1", camera: String = "door",
                   track: String, time: Date, crop: String? = nil, quality: Double = 0.7) -> Detection {
        Detection(time: time, siteID: site, agentID: agent, camera: camera, trackID: track, workerID: worker,
                  distance: worker == nil ? 0.8 : 0.3, emotion: nil, emotionScore: nil, quality: quality, cropFile: crop,
                  messageID: UUID())
    }

    @Test(arguments: StoreKind.allCases)
    func siteTimeZonesAndWorkersSites(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        #expect(try await env.store.siteTimeZones().isEmpty)
        try await env.store.setSiteTimeZone(siteID: "hq", timeZone: "Europe/Berlin", actor: "t")
        try await env.store.setSiteTimeZone(siteID: "hq", timeZone: "Asia/Tokyo", actor: "t")
        #expect(try await env.store.siteTimeZones() == ["hq": "Asia/Tokyo"])
        await #expect(throws: CloudError.self) { try await env.store.setSiteTimeZone(siteID: "nowhere", timeZone: "UTC", actor: "t") }

        let ada = try #require(try await env.store.createWorker(name: "Ada", actor: "t").id)
        let bo = try #require(try await env.store.createWorker(name: "Bo", actor: "t").id)
        try await env.store.setWorkerSites(workerID: ada, sites: ["depot"], actor: "t")
        try await env.store.setWorkerSites(workerID: bo, sites: ["depot", "hq"], actor: "t")
        #expect(try await env.store.workerSites() == [ada: ["depot"], bo: ["depot", "hq"]])
        try await env.store.setWorkerSites(workerID: bo, sites: nil, actor: "t")
        #expect(try await env.store.workerSites() == [ada: ["depot"]])
        await #expect(throws: CloudError.self) { try await env.store.setWorkerSites(workerID: ada, sites: ["mars"], actor: "t") }
        await #expect(throws: CloudError.self) { try await env.store.setWorkerSites(workerID: 999, sites: ["hq"], actor: "t") }
        #expect(try await env.store.workerSites() == [ada: ["depot"]])   // nothing changed by the refusals

        let version = try await env.store.addGalleryVersion(workerCount: 2, reason: "t", actor: "t") { _ in Data("all".utf8) }
        try await env.store.setSiteGalleryMessages(version: version.version, messages: ["hq": Data("hq".utf8), "depot": Data("d".utf8)])
        #expect(try await env.store.siteGalleryMessage(version: version.version, siteID: "hq") == Data("hq".utf8))
        #expect(try await env.store.siteGalleryMessage(version: version.version, siteID: "elsewhere") == nil)
        let actions = try await env.store.auditLog(limit: 20).map(\.action)
        #expect(actions.filter { $0 == "site.time_zone" }.count == 2 && actions.filter { $0 == "worker.sites" }.count == 3)
    }

    @Test(arguments: StoreKind.allCases)
    func correctionsAreStoredUndoneAndAudited(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let ada = try #require(try await env.store.createWorker(name: "Ada", actor: "t").id)
        let d = try #require(try await env.store.insertDetection(detection(ada, track: "t1", time: t0)))
        let id = try #require(d.id)
        #expect(try await env.store.detectionEmbedding(id: id) == nil)
        try await env.store.saveDetectionEmbedding(detectionID: id, embedding: [0.5, -1, 2])
        #expect(try await env.store.detectionEmbedding(id: id) == [0.5, -1, 2])
        #expect(try await env.store.trackFaces(siteID: "hq", agentID: "a1", trackID: "t1")
            == [DetectionFace(detectionID: id, embedding: [0.5, -1, 2], quality: 0.7)])

        let stored = try await env.store.addNegative(WorkerNegative(workerID: ada, detectionID: id, embedding: [0.5, -1, 2],
                                                                    actor: "admin", createdAt: t0))
        let correction = try #require(stored.id)
        #expect(try await env.store.activeNegativeEmbeddings() == [ada: [[0.5, -1, 2]]])
        #expect(try await env.store.negatives(workerID: ada, includeUndone: false, limit: 10).map(\.id) == [correction])
        let undone = try await env.store.undoNegative(id: correction, actor: "admin2", at: t0 + 60)
        #expect(undone.undoneAt == t0 + 60 && undone.undoneBy == "admin2")
        #expect(try await env.store.activeNegativeEmbeddings().isEmpty)
        #expect(try await env.store.negatives(workerID: nil, includeUndone: false, limit: 10).isEmpty)
        #expect(try await env.store.negatives(workerID: nil, includeUndone: true, limit: 10).count == 1)
        await #expect(throws: CloudError.self) { try await env.store.undoNegative(id: correction, actor: "a", at: t0) }
        await #expect(throws: CloudError.self) { try await env.store.undoNegative(id: 4242, actor: "a", at: t0) }
        await #expect(throws: CloudError.self) {
            try await env.store.addNegative(WorkerNegative(workerID: 999, detectionID: id, embedding: [1], actor: "a"))
        }
        try await env.store.reviseDetection(id: id, workerID: nil, distance: nil)
        #expect(try await env.store.detection(id: id)?.workerID == nil)
        let audit = try await env.store.auditLog(limit: 10)
        #expect(audit.contains { $0.action == "detection.not_this_worker" && $0.subject == "detection:\(id)" && $0.actor == "admin" })
        #expect(audit.contains { $0.action == "detection.not_this_worker.undo" && $0.actor == "admin2" })
    }

    @Test(arguments: StoreKind.allCases)
    func attendanceReadsRecognisedDetectionsInTheInterval(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let ada = try #require(try await env.store.createWorker(name: "Ada", actor: "t").id)
        let bo = try #require(try await env.store.createWorker(name: "Bo", actor: "t").id)
        for d in [detection(ada, track: "t1", time: t0), detection(ada, site: "depot", camera: "gate", track: "t2", time: t0 + 10),
                  detection(bo, track: "t3", time: t0 + 20), detection(nil, track: "t4", time: t0 + 30),
                  detection(ada, track: "t5", time: t0 + 3600)] {
            _ = try await env.store.insertDetection(d)
        }
        let hour = DateInterval(start: t0, duration: 3600)
        let all = try await env.store.attendanceSightings(in: hour, siteID: nil, workerID: nil)
        #expect(all.map(\.track).sorted() == ["a1/t1", "a1/t2", "a1/t3"])
        let adaAtHQ = try await env.store.attendanceSightings(in: hour, siteID: "hq", workerID: ada)
        #expect(adaAtHQ == [AttendanceSighting(workerID: ada, siteID: "hq", camera: "door", track: "a1/t1", time: t0)])
    }

    @Test(arguments: StoreKind.allCases)
    func unknownPeoplePlacementsMergesSplitsAndRevisions(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        var ids = [Int64]()
        for (i, track) in ["t1", "t2", "t3"].enumerated() {
            let d = try #require(try await env.store.insertDetection(detection(nil, camera: "cam\(i)", track: track, time: t0 + Double(i),
                                                                                crop: "c\(i).jpg", quality: 0.5 + 0.1 * Double(i))))
            try await env.store.saveDetectionEmbedding(detectionID: try #require(d.id), embedding: [Float(i), 1])
            ids.append(try #require(d.id))
        }
        var progress = try await env.store.clusteringProgress()
        #expect(progress.cursor == 0)
        let pending = try await env.store.pendingUnknownFaces(after: 0, limit: 10)
        #expect(pending.map(\.detectionID) == ids)
        #expect(pending.map(\.track.trackID) == ["t1", "t2", "t3"])

        // A stale revision is refused; the current one creates a person.
        await #expect(throws: CloudError.self) { try await env.store.createUnknownPerson(at: t0, expectedRevision: progress.revision + 5) }
        let first = try await env.store.createUnknownPerson(at: t0, expectedRevision: progress.revision)
        let second = try await env.store.createUnknownPerson(at: t0, expectedRevision: first.revision)
        var revision = second.revision
        for (face, person) in zip(pending, [first.id, first.id, second.id]) {
            revision = try await env.store.recordPlacement(
                FacePlacement(face: face, personID: person, trackSummary: ClusterSummary(face.embedding), absorbed: []),
                expectedRevision: revision)
        }
        progress = try await env.store.clusteringProgress()
        #expect(progress == ClusteringProgress(cursor: ids[2], revision: revision))
        #expect(try await env.store.pendingUnknownFaces(after: progress.cursor, limit: 10).isEmpty)
        let stale = FacePlacement(face: pending[0], personID: first.id, trackSummary: ClusterSummary(pending[0].embedding), absorbed: [])
        await #expect(throws: CloudError.self) { try await env.store.recordPlacement(stale, expectedRevision: revision - 1) }

        var person = try #require(try await env.store.unknownPerson(id: first.id))
        #expect(person.sightings == 2 && person.detections == 2 && person.cameras == ["cam0", "cam1"] && person.sites == ["hq"])
        #expect(person.firstSeen == t0 && person.lastSeen == t0 + 1)
        #expect(try await env.store.unknownCropCandidates(personID: first.id).map(\.cropFile) == ["c0.jpg", "c1.jpg"])
        #expect(try await env.store.trackClusters().count == 3)

        // Split one track off, merge it back, dismiss, restore.
        let split = try await env.store.splitUnknownPerson(id: first.id, tracks: [pending[1].track], actor: "admin")
        #expect(try await env.store.unknownSightings(personID: split).map(\.trackID) == ["t2"])
        await #expect(throws: CloudError.self) {
            try await env.store.splitUnknownPerson(id: first.id, tracks: [pending[0].track], actor: "admin")   // all of them
        }
        await #expect(throws: CloudError.self) {
            try await env.store.splitUnknownPerson(id: first.id, tracks: [pending[2].track], actor: "admin")   // not theirs
        }
        try await env.store.mergeUnknownPeople(into: first.id, from: split, actor: "admin")
        #expect(try await env.store.unknownPerson(id: split) == nil)
        await #expect(throws: CloudError.self) { try await env.store.mergeUnknownPeople(into: first.id, from: first.id, actor: "a") }
        try await env.store.setUnknownPersonStatus(id: second.id, status: .dismissed, workerID: nil, actor: "admin")
        #expect(try await env.store.unknownPeople(status: .active, limit: 10).map(\.id) == [first.id])
        #expect(try await env.store.unknownPeople(status: .dismissed, limit: 10).map(\.id) == [second.id])
        person = try #require(try await env.store.unknownPerson(id: first.id))
        #expect(person.sightings == 2)
        #expect(try await env.store.clusteringProgress().revision > revision)   // admin actions bump it
        let actions = try await env.store.auditLog(limit: 20).map(\.action)
        #expect(["person.split", "person.merge", "person.dismissed"].allSatisfy(actions.contains))
    }
}
