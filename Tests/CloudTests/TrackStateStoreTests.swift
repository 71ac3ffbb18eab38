import Cloud
import FaceRecognition
import Foundation
import Logging
import Testing
import TestSupport

/// The store's part of shared track state (`Store.storeDecision`), on SQLite and on PostgreSQL: a crop's decision
/// is taken from the track's stored state with the track locked, once per message, with the newest gallery, and
/// stored with its detection, the track's revision and its live event in one transaction.
@Suite struct TrackStateStoreTests {
    static let track = TrackKey(siteID: "hq", agentID: "a1", camera: "door", trackID: "7")

    /// A decision that adds one sample (so the state counts the crops it took) and names `worker`.
    static func request(_ key: TrackKey = track, message: UUID? = UUID(), galleryVersion: Int = 0,
                        worker: Int64? = nil, refuse: Bool = false) -> DecisionRequest {
        DecisionRequest(track: key, messageID: message, galleryVersion: galleryVersion, decide: { stored throws(CloudError) in
            if refuse { throw CloudError(.badEmbedding, "refused in the transaction") }
            var state = stored ?? TrackState(lastSeen: Date())
            state.samples.append(.init(embedding: [Float(state.crops), 1], weight: 0.5))
            state.crops += 1
            let previous = state.decision?.workerID
            state.decision = MatchDecision(reason: worker == nil ? .tooFar : .accepted, nearest: worker ?? 1,
                                           distance: 0.3, margin: nil)
            let detection = Detection(time: Date(), siteID: key.siteID, agentID: key.agentID, camera: key.camera,
                                      trackID: key.trackID, workerID: worker, distance: 0.3, emotion: nil,
                                      emotionScore: nil, quality: 0.5, cropFile: nil, messageID: message)
            let revised = stored != nil && previous != worker
            return TrackDecision(detection: detection, state: state,
                                 revision: revised ? TrackRevision(workerID: worker, distance: 0.25) : nil)
        }, event: { detection, _ in
            LiveEvent(name: "detection", data: "{\"id\":\(detection.id ?? 0)}", workerID: detection.workerID)
        })
    }

    static func stored(_ outcome: DecisionOutcome) -> Detection? {
        if case .stored(let detection, _) = outcome { return detection }
        return nil
    }

    @Test(arguments: StoreKind.allCases)
    func aDecisionIsStoredOnceWithItsTrackAndItsEvent(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let ada = try #require(try await env.store.createWorker(name: "Ada", actor: "t").id)
        let tail = try await env.store.liveEventTail()
        let message = UUID()
        let first = try #require(Self.stored(try await env.store.storeDecision(Self.request(message: message))))
        // The same message again (a redelivery, or a retry after a storage failure): nothing changes.
        guard case .duplicate = try await env.store.storeDecision(Self.request(message: message, worker: ada)) else {
            Issue.record("a stored message was decided again")
            return
        }
        #expect(try await env.store.trackState(Self.track)?.crops == 1)
        // A refusal inside the transaction leaves nothing behind.
        await #expect(throws: CloudError.self) { try await env.store.storeDecision(Self.request(refuse: true)) }
        #expect(try await env.store.trackState(Self.track)?.crops == 1)

        // The next crop names Ada: the track's earlier detection is revised with it.
        let second = try #require(Self.stored(try await env.store.storeDecision(Self.request(worker: ada))))
        let state = try #require(try await env.store.trackState(Self.track))
        #expect(state.crops == 2 && state.samples.count == 2 && state.decision?.workerID == ada)
        #expect(try await env.store.detection(id: try #require(first.id))?.workerID == ada)
        #expect(try await env.store.detection(id: try #require(first.id))?.distance == 0.25)
        #expect(try await env.store.detection(id: try #require(second.id))?.distance == 0.3)
        // Another track is another state.
        let other = TrackKey(siteID: "hq", agentID: "a1", camera: "yard", trackID: "7")
        _ = try await env.store.storeDecision(Self.request(other))
        #expect(try await env.store.trackState(other)?.crops == 1)
        #expect(try await env.store.detection(id: try #require(first.id))?.workerID == ada)

        // Each stored decision's event, in order, naming its detection.
        let events = try await env.store.liveEvents(after: tail, limit: 10)
        #expect(events.map(\.name) == ["detection", "detection", "detection"])
        #expect(events.first?.data == "{\"id\":\(first.id ?? 0)}" && events[1].workerID == ada)
    }

    @Test(arguments: StoreKind.allCases)
    func aNewerGalleryIsDecidedWithFirst(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        _ = try await env.store.addGalleryVersion(workerCount: 0, reason: "test", actor: "t") { _ in Data() }
        guard case .galleryChanged(let latest) = try await env.store.storeDecision(Self.request(galleryVersion: 0)) else {
            Issue.record("decided with an old gallery")
            return
        }
        #expect(latest == 1)
        #expect(try await env.store.detections(.init(), limit: 10, cursor: nil).items.isEmpty)
        #expect(try await env.store.trackState(Self.track)?.crops == nil)
        #expect(Self.stored(try await env.store.storeDecision(Self.request(galleryVersion: 1))) != nil)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentCropsOfOneTrackTakeTurns(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        // Two stores on one database, as two aggregators (PostgreSQL: two connection pools; SQLite: two pools on
        // one file), each deciding crops of the same track at the same time.
        let second: any Store = switch kind {
        case .sqlite: try SQLiteStore(path: env.folder.appendingPathComponent("db.sqlite").path)
        case .postgres: try await PostgresStore.open(url: try #require(env.server).url, logger: Logger(label: "second"))
        }
        let stores = [env.store, second]
        // As many at once as two aggregators' ingest pools hold (not more: a queue of dozens on one row lock
        // can outwait the store's 10 s bound on a loaded machine).
        let crops = 16
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0 ..< crops {
                let store = stores[index % 2]
                group.addTask { _ = try await store.storeDecision(Self.request()) }
            }
            try await group.waitForAll()
        }
        // No lost update: the state took every crop once.
        let state = try #require(try await env.store.trackState(Self.track))
        #expect(state.crops == crops && state.samples.count == crops)
        #expect(Set(state.samples.map(\.embedding[0])).count == crops)
    }

    @Test(arguments: StoreKind.allCases)
    func theEmbeddingAndTheCropCommitWithTheDecision(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let embedding: [Float] = [0.25, -1, 3]
        // The crop as the store's vault stages it: a file written now (SQLite), a row to insert (PostgreSQL).
        func staged() async throws -> StagedBlob { try await env.blobs.stage([7, 8, 9], extension: "jpg", at: Date()) }
        func request(message: UUID, blob: StagedBlob, refuse: Bool = false) -> DecisionRequest {
            var request = Self.request(message: message, refuse: refuse)
            request.embedding = embedding
            if case .withDecision(let pending) = blob { request.blob = pending }
            return request
        }
        let message = UUID()
        let blob = try await staged()
        switch (kind, blob) {
        case (.sqlite, .saved(let name)): #expect(await env.blobs.exists(name))
        case (.postgres, .withDecision(let pending)): #expect(await !env.blobs.exists(pending.name))
        default: Issue.record("\(kind) staged \(blob)")
        }
        let stored = try #require(Self.stored(try await env.store.storeDecision(request(message: message, blob: blob))))
        #expect(try await env.store.detectionEmbedding(id: try #require(stored.id)) == embedding)
        #expect(try await env.blobs.read(blob.name) == Data([7, 8, 9]))
        // A redelivery and a refusal keep neither their crop's row nor anything else.
        let again = try await staged(), refused = try await staged()
        guard case .duplicate = try await env.store.storeDecision(request(message: message, blob: again)) else {
            Issue.record("a stored message was decided again")
            return
        }
        await #expect(throws: CloudError.self) {
            try await env.store.storeDecision(request(message: UUID(), blob: refused, refuse: true))
        }
        if kind == .postgres {
            #expect(await !env.blobs.exists(again.name))
            #expect(await !env.blobs.exists(refused.name))
        }
        #expect(try await env.store.detections(.init(), limit: 10, cursor: nil).items.map(\.id) == [stored.id])
        // SQLite keeps crops as files: a row to insert is refused, not dropped.
        if kind == .sqlite {
            var withRow = Self.request()
            withRow.blob = PendingBlob(name: "2026/01/01/x.jpg", bytes: [1])
            await #expect(throws: CloudError.self) { try await env.store.storeDecision(withRow) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func oneMessageDecidedAtOnceByTwoStoresIsStoredOnce(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let second: any Store = switch kind {
        case .sqlite: try SQLiteStore(path: env.folder.appendingPathComponent("db.sqlite").path)
        case .postgres: try await PostgresStore.open(url: try #require(env.server).url, logger: Logger(label: "second"))
        }
        let stores = [env.store, second]
        // The same message delivered to both aggregators at once, several times: whichever takes the track's lock
        // second finds it stored (PostgreSQL: when it was committed while that one waited for the lock, by the
        // statement that stores the decision) and answers `.duplicate`, never an error.
        let message = UUID()
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0 ..< 8 {
                let store = stores[index % 2]
                group.addTask {
                    switch try await store.storeDecision(Self.request(message: message)) {
                    case .stored: true
                    case .duplicate: false
                    case .galleryChanged: throw CloudError(.storage, "no gallery was stored")
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try await env.store.trackState(Self.track)?.crops == 1)
        #expect(try await env.store.detections(.init(), limit: 10, cursor: nil).items.count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func idleTracksExpireAndErasureTakesTheirState(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let ada = try #require(try await env.store.createWorker(name: "Ada", actor: "t").id)
        let keys = (0 ..< 5).map { TrackKey(siteID: "hq", agentID: "a1", camera: "door", trackID: "\($0)") }
        for key in keys { _ = try await env.store.storeDecision(Self.request(key, worker: key.trackID == "4" ? ada : nil)) }
        // Erasing Ada takes the state of the track decided as her (its crops' embeddings) and her events.
        _ = try await env.store.deleteWorker(id: ada, actor: "t")
        #expect(try await env.store.trackState(keys[4]) == nil)
        #expect(try await env.store.liveEvents(after: .start, limit: 100).allSatisfy { $0.workerID != ada })
        #expect(try await env.store.trackState(keys[0]) != nil)
        // Capped in rows, the least recently updated go first…
        #expect(try await env.store.expireTracks(updatedBefore: Date().addingTimeInterval(-3600), keepingAtMost: 2) == 2)
        #expect(try await env.store.trackState(keys[3]) != nil)
        #expect(try await env.store.trackState(keys[0]) == nil)
        // …and everything not updated since a time.
        #expect(try await env.store.expireTracks(updatedBefore: Date().addingTimeInterval(1), keepingAtMost: 100) == 2)
        #expect(try await env.store.trackState(keys[3]) == nil)
    }
}
