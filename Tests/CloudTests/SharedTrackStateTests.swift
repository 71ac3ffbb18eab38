import Cloud
import Foundation
import Logging
import Testing
import TestSupport

/// The aggregator's decisions go through the track's stored state: a crop counts once in its track however often
/// it is tried (a storage failure and its retry; a redelivered message), and two aggregators on one database
/// continue each other's tracks.
@Suite struct SharedTrackStateTests {
    func embedding(_ values: [Float], track: String = "t1", message: UUID = UUID()) -> IncomingCrop {
        IncomingCrop(messageID: message, siteID: "hq", agentID: "agent-1", camera: "door", trackID: track,
                     frameTime: Date(), content: .embedding(modelID: "dlib-resnet-v1", values: values), quality: 0.7,
                     detectionScore: 0.9)
    }

    /// An aggregator on `store`, Ada enrolled along axis 0 (when `enroll`), agent-1 at hq.
    func aggregator(_ store: any Store, folder: URL, enroll: Bool) async throws -> (Aggregator, Int64?) {
        var config = CloudConfig()
        config.storage.cropsDirectory = folder.appendingPathComponent("crops").path
        config.storage.photosDirectory = folder.appendingPathComponent("photos").path
        config.sites = [.init(id: "hq", name: "HQ", emotion: true)]
        let recognizer = ScriptedRecognizer()
        let aggregator = Aggregator(config: config, store: store, recognizer: recognizer, fleet: RecordingFleet(),
                                    signer: try GallerySigner(keyFile: folder.appendingPathComponent("gallery.key").path),
                                    metrics: CloudMetrics(), logger: Logger(label: "test"))
        try await aggregator.load()
        try await aggregator.agentReported(id: "agent-1", siteID: "hq", status: "online", framesPerSecond: 1,
                                           outboxDepth: 0)
        guard enroll else { return (aggregator, nil) }
        let photo = TestImages.png(seed: 90)
        recognizer.scriptFace(photo, embedding: Embeddings.axis(0))
        let ada = try #require(try await aggregator.createWorker(name: "Ada", actor: "t").id)
        _ = try await aggregator.enroll(workerID: ada, photo: photo, actor: "t")
        return (aggregator, ada)
    }

    @Test(arguments: StoreKind.allCases)
    func aRedeliveredMessageCountsOnceInItsTrack(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let (aggregator, _) = try await aggregator(env.store, folder: env.folder, enroll: true)
        let message = UUID()
        #expect(try await aggregator.accept(embedding(Embeddings.axis(0, offset: 0.3), message: message)) != nil)
        #expect(try await aggregator.accept(embedding(Embeddings.axis(0, offset: 0.3), message: message)) == nil)
        let key = TrackKey(siteID: "hq", agentID: "agent-1", camera: "door", trackID: "t1")
        #expect(try await env.store.trackState(key)?.crops == 1)
        #expect(aggregator.metrics.counter("rollcall_cloud_messages_duplicate_total") == 1)
    }

    /// PostgreSQL refuses the first two tries of a detection (a trigger counting in a sequence, which a rollback
    /// does not undo): the crop is tried three times and is in its track once.
    @Test func aStorageRetryDoesNotAddTheCropTwice() async throws {
        let env = try await StoreHarness(.postgres)
        let server = try #require(env.server)
        let (aggregator, ada) = try await aggregator(env.store, folder: env.folder, enroll: true)
        try server.psql("""
            CREATE SEQUENCE tries;
            CREATE FUNCTION fail_twice() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN IF nextval('tries') <= 2 THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER fail_twice BEFORE INSERT ON detection FOR EACH ROW EXECUTE FUNCTION fail_twice();
            """)
        let crop = embedding(Embeddings.axis(0, offset: 0.2))
        for _ in 0 ..< 2 {
            await #expect { try await aggregator.accept(crop) } throws: { ($0 as? CloudError)?.isTransient == true }
        }
        let result = try #require(try await aggregator.accept(crop))
        #expect(result.workerID == ada)
        let state = try #require(try await env.store.trackState(TrackKey(siteID: "hq", agentID: "agent-1", camera: "door",
                                                                         trackID: "t1")))
        #expect(state.crops == 1 && state.samples.count == 1)
        #expect(try await env.store.detections(.init(), limit: 10, cursor: nil).items.count == 1)
    }

    /// Two aggregators on one database (two processes' stores): the second continues the track the first
    /// began, and is revised by it, as one aggregator would be.
    @Test(arguments: StoreKind.allCases)
    func twoAggregatorsContinueEachOthersTracks(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let (first, ada) = try await aggregator(env.store, folder: env.folder, enroll: true)
        let secondStore: any Store = switch kind {
        case .sqlite: try SQLiteStore(path: env.folder.appendingPathComponent("db.sqlite").path)
        case .postgres: try await PostgresStore.open(url: try #require(env.server).url, logger: Logger(label: "second"))
        }
        let (second, _) = try await aggregator(secondStore, folder: env.folder.appendingPathComponent("second"),
                                               enroll: false)
        // The second loaded the first's gallery version (signed with the first's key; it decides with it).
        let adaID = try #require(ada)
        #expect(second.galleryVersion == first.galleryVersion && second.gallery?.workers.map(\.id) == [adaID])
        // Alone, each crop is too far from Ada; together they are Ada.
        var near = Embeddings.axis(0, offset: 0.3)
        near[7] = 0.45
        var other = Embeddings.axis(0, offset: 0.3)
        other[7] = -0.45
        let one = try #require(try await first.accept(embedding(near)))
        #expect(one.workerID == nil)
        let two = try #require(try await second.accept(embedding(other)))
        #expect(two.workerID == ada && two.revised)
        #expect(try await env.store.detection(id: one.detectionID)?.workerID == ada)
        #expect(try await env.store.trackState(TrackKey(siteID: "hq", agentID: "agent-1", camera: "door", trackID: "t1"))?
            .crops == 2)
    }
}
