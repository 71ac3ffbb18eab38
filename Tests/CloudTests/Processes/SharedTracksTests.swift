import Cloud
import FaceRecognition
import Foundation
import Logging
import MQTT
import RollcallCore
import TestSupport
import Testing
import Wire

/// Issue #13, track state shared: the same crops through one `rollcall-cloud` and through three (Mosquitto's
/// round-robin shared subscription splits every track between them) give the same stored decisions, because a
/// track's fusion and emotion state lives in PostgreSQL and each crop is decided under the track's row lock.
///
/// The crops are built so that only the whole track decides it: each is Ada's embedding plus a large offset
/// (alone, every crop is too far: unknown), and the offsets cancel in pairs, so the fused embedding of all of a
/// track's crops is Ada's own. An aggregator that saw part of a track (each process its own third, as with state
/// in memory) would call it unknown.
@Suite(.serialized) struct SharedTracksTests {
    struct Crop: Sendable {
        var id: UUID
        var track: UInt64
        var embedding: [Float]
    }

    static func unit(_ values: [Float], length: Float = 1) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm * length }
    }

    /// Ada's embedding and the crops: 12 tracks of 6 crops (3 cancelling pairs), one stranger's track and one
    /// track near Ada, interleaved as cameras would send them; a fixed seed, so both runs get the same.
    static func scenario() -> (ada: [Float], crops: [Crop]) {
        var generator = SplitMix64(seed: 13)
        func random() -> [Float] { unit((0 ..< 128).map { _ in Float(generator.next(in: -1 ... 1)) }) }
        let ada = random()
        var tracks: [[[Float]]] = []
        for _ in 0 ..< 12 {
            var crops: [[Float]] = []
            for _ in 0 ..< 3 {
                let offset = unit(random(), length: 0.8)
                crops.append(zip(ada, offset).map { $0 + $1 })
                crops.append(zip(ada, offset).map { $0 - $1 })
            }
            tracks.append(crops)
        }
        tracks.append((0 ..< 6).map { _ in random() })   // a stranger
        tracks.append((0 ..< 6).map { _ in zip(ada, unit(random(), length: 0.1)).map { $0 + $1 } })   // Ada, clearly
        var crops: [Crop] = []
        for index in 0 ..< 6 {
            for (track, embeddings) in tracks.enumerated() {
                crops.append(Crop(id: UUID(uuidString: String(format: "00000000-0000-4000-8000-%012x", track * 100 + index))!,
                                  track: UInt64(track), embedding: embeddings[index]))
            }
        }
        return (ada, crops)
    }

    /// What a run stored: each message's worker, and each track's crop count and decision.
    struct Outcome: Equatable {
        var workers: [UUID: Int64?]
        var tracks: [UInt64: (crops: Int, worker: Int64?)]
        static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            lhs.workers == rhs.workers && lhs.tracks.mapValues { "\($0.crops)/\($0.worker ?? 0)" }
                == rhs.tracks.mapValues { "\($0.crops)/\($0.worker ?? 0)" }
        }
    }

    /// Runs the scenario through `aggregators` processes on a fresh PostgreSQL and broker.
    func run(aggregators: Int) async throws -> (Outcome, ada: Int64, perProcess: [Double]) {
        let (adaEmbedding, crops) = Self.scenario()
        let database = try PostgresServer()
        let fixture = try BrokerFixture(agents: [("hq", "door")])
        let store = try await PostgresStore.open(url: database.url, logger: Logger(label: "test"))
        // Ada enrolled with her embedding, in a signed version the clouds decide with.
        let ada = try #require(try await store.createWorker(name: "Ada", actor: "test").id)
        _ = try await store.addPhoto(EnrollmentPhoto(workerID: ada, file: "ada.jpg", embedding: adaEmbedding, quality: 1),
                                     actor: "test")
        let signer = try GallerySigner(keyFile: fixture.folder.appendingPathComponent("gallery.key").path)
        var gallery = try Gallery(modelID: Backbone.dlib.modelID, dimension: 128,
                                  policy: MatchPolicy(threshold: 0.47, margin: 0))
        try gallery.enroll(workerID: ada, embeddings: [adaEmbedding])
        _ = try await store.addGalleryVersion(workerCount: 1, reason: "seed", actor: "test") { [gallery] number in
            try signer.galleryMessage(version: number, gallery: gallery)
        }
        var clouds: [CloudProcess] = []
        for index in 0 ..< aggregators {
            let port = try LoopbackPort.free()
            let cloud = try CloudProcess(folder: fixture.folder, name: "c\(index)",
                                         yaml: fixture.cloudYAML(name: "c\(index)", httpPort: port, sites: ["hq"],
                                                                 postgresURL: database.url), httpPort: port)
            try cloud.start()
            clouds.append(cloud)
        }
        defer { clouds.forEach { $0.kill9() } }
        for cloud in clouds {
            #expect(await eventually(within: 120) { await cloud.metric("rollcall_cloud_mqtt_connected") == 1 },
                    "\(cloud.logTail())")
        }
        let agent = try await fixture.agent(site: "hq", agent: "door")
        try await agent.publish(try Availability(online: true, agentVersion: "test").encoded(),
                                to: try Topic.availability(site: "hq", agent: "door").validated(), retain: true)
        #expect(await eventually(within: 30) { (try? await store.agent(siteID: "hq", id: "door")) != nil })

        let topic = try Topic.faces(site: "hq", agent: "door", camera: "door").validated()
        let start = Date(timeIntervalSince1970: 1_900_000_000)
        for (index, crop) in crops.enumerated() {
            let message = FaceCrop(messageID: crop.id, camera: "door", trackID: crop.track,
                                       frameTime: start.addingTimeInterval(Double(index) * 0.1), frameWidth: 640,
                                       frameHeight: 480, box: .init(x: 0, y: 0, width: 200, height: 200), keypoints: [],
                                       detectionScore: 0.9, quality: 0.8,
                                       content: .embedding(.init(modelID: Backbone.dlib.modelID, values: crop.embedding)))
            try await agent.publish(try message.encoded(), to: topic)
        }
        #expect(await eventually(within: 180) {
            ((try? await store.detections(.init(), limit: 1000, cursor: nil))?.items.count ?? 0) >= crops.count
        }, "\(clouds.map { $0.logTail(10) }.joined(separator: "\n---\n"))")
        let detections = try await store.detections(.init(), limit: 1000, cursor: nil).items
        var tracks: [UInt64: (crops: Int, worker: Int64?)] = [:]
        for track in Set(crops.map(\.track)) {
            let state = try await store.trackState(TrackKey(siteID: "hq", agentID: "door", camera: "door", trackID: "\(track)"))
            tracks[track] = (state?.crops ?? 0, state?.decision?.workerID)
        }
        var perProcess: [Double] = []
        for cloud in clouds {
            let samples = LoopbackHTTP.prometheusSamples(await cloud.metricsText() ?? "")
            perProcess.append(samples.filter { $0.key.hasPrefix("rollcall_cloud_detections_total") }.values.reduce(0, +))
        }
        await agent.disconnect()
        for cloud in clouds { #expect(await cloud.terminate()) }
        let workers = Dictionary(uniqueKeysWithValues: detections.compactMap { d in d.messageID.map { ($0, d.workerID) } })
        return (Outcome(workers: workers, tracks: tracks), ada, perProcess)
    }

    @Test(.enabled(if: ConcurrentEnrollmentTests.ready, "needs the models (rollcall models fetch) and PostgreSQL 15"))
    func oneAndThreeAggregatorsStoreTheSameDecisions() async throws {
        let crops = Self.scenario().crops
        let (one, ada, _) = try await run(aggregators: 1)
        let (three, adaAgain, perProcess) = try await run(aggregators: 3)
        #expect(ada == adaAgain)
        // Every crop stored once, each track's state took each of its crops once.
        #expect(one.workers.count == crops.count && three.workers.count == crops.count)
        #expect(one.tracks.values.allSatisfy { $0.crops == 6 } && three.tracks.values.allSatisfy { $0.crops == 6 })
        // The three shared the work…
        #expect(perProcess.count == 3 && perProcess.allSatisfy { $0 > 0 }, "\(perProcess)")
        // …and decided as one: the cancelling tracks and the near one are Ada, every crop of them included;
        // the stranger is nobody.
        #expect(one == three)
        for crop in crops {
            #expect(three.workers[crop.id] == (crop.track == 12 ? nil : ada), "track \(crop.track)")
        }
        #expect(three.tracks[12]?.worker == nil && three.tracks[0]?.worker == ada)
    }
}

/// Seeded draws, so both runs build the same crops.
extension SplitMix64 {
    mutating func next(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + Double(next() >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
    }
}
