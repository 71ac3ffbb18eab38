import Crypto
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import RollcallCore
import Testing
import TestSupport
@testable import Agent

@Suite struct PipelineTests {
    static let config = try! AgentConfig.parse(yaml: AgentConfigTests.minimal)

    /// A face walking right across 30 frames, then gone.
    static let script: [[DetectedFace]] = (0..<30).map { [face(x: 60 + 2 * Float($0), y: 60, size: 100)] }

    func processor(mode: AgentConfig.Mode, matcher: EdgeMatcher?, stats: AgentStats,
                   renderer: any CropRendering = CopyRenderer()) -> FrameProcessor {
        var crops = Self.config.crops
        crops.improveIntervalSeconds = 1
        return FrameProcessor(camera: "entrance", mode: mode, detection: Self.config.detection,
                              tracking: TrackingConfig(iouThreshold: 0.3, maxMissedFrames: 3), crops: crops,
                              detector: ScriptedDetector(script: Self.script), renderer: renderer,
                              embedder: PositionEmbedder(offset: Point(x: 0, y: 0)), matcher: matcher, stats: stats,
                              firstTrackID: 100)
    }

    /// FaceRecognition's snapshot of a 2-d test-net gallery (threshold 0.5) with one embedding per worker.
    static func snapshot(_ workers: [WorkerID: [Float]]) throws -> Data {
        var gallery = try Gallery(modelID: "test-net", dimension: 2, policy: MatchPolicy(threshold: 0.5, margin: 0))
        for (id, embedding) in workers { try gallery.enroll(workerID: id, embeddings: [embedding]) }
        return Data(gallery.snapshot())
    }

    func drain(_ outbox: Outbox) throws -> [(topic: String, text: String)] {
        var entries: [(String, String)] = []
        while let entry = try outbox.checkOut() {
            entries.append((entry.topic, String(decoding: entry.payload, as: UTF8.self)))
            try outbox.acknowledge(entry.sequence)
        }
        return entries
    }

    @Test func cameraServicePublishesFirstImprovedAndFinalCropsOfOneTrack() async throws {
        let folder = temporaryFolder()
        let stats = AgentStats()
        let outbox = try Outbox(folder: folder, maxBytes: 1 << 20)
        let sink = EventSink(encoder: TestEncoder(), outbox: outbox, stats: stats)
        let service = CameraService(camera: "entrance", source: SyntheticSource(frames: 40), queueDepth: 64, stats: stats,
                                    sink: sink) { processor(mode: .cloudMatch, matcher: nil, stats: stats) }
        try await service.run()
        let entries = try drain(outbox)
        #expect(!entries.isEmpty)
        #expect(entries.allSatisfy { $0.topic == "test/faces/entrance" && $0.text.contains("track 100") })
        #expect(entries.first?.text.contains("first jpeg") == true)
        #expect(entries.allSatisfy { $0.text.contains("jpeg 1") }, "crops carry margin: 150×150 px region")
        let snapshot = stats.snapshot()
        #expect(snapshot[.framesCaptured, camera: "entrance"] == 40)
        #expect(snapshot[.framesProcessed, camera: "entrance"] + snapshot[.framesDropped, camera: "entrance"] == 40)
        #expect(snapshot[.tracksStarted, camera: "entrance"] == 1)
    }

    @Test func fullQueueDropsFramesAndCountsThem() async throws {
        let stats = AgentStats()
        let outbox = try Outbox(folder: temporaryFolder(), maxBytes: 1 << 20)
        struct SlowDetector: FaceDetecting {
            func detect(_ image: Image) throws -> [DetectedFace] { usleep(20_000); return [] }
        }
        let service = CameraService(camera: "c", source: SyntheticSource(frames: 30, intervalMilliseconds: 0), queueDepth: 1, stats: stats,
                                    sink: EventSink(encoder: TestEncoder(), outbox: outbox, stats: stats)) {
            FrameProcessor(camera: "c", mode: .cloudMatch, detection: Self.config.detection,
                           tracking: Self.config.tracking, crops: Self.config.crops, detector: SlowDetector(),
                           renderer: CopyRenderer(), embedder: nil, matcher: nil, stats: stats, firstTrackID: 1)
        }
        try await service.run()
        let snapshot = stats.snapshot()
        #expect(snapshot[.framesDropped, camera: "c"] > 0)
        #expect(snapshot[.framesProcessed, camera: "c"] + snapshot[.framesDropped, camera: "c"] == 30)
    }

    @Test func corruptFramesAreSkippedAndCounted() async throws {
        let stats = AgentStats()
        let outbox = try Outbox(folder: temporaryFolder(), maxBytes: 1 << 20)
        let service = CameraService(camera: "entrance", source: SyntheticSource(frames: 40, corruptEvery: 4), queueDepth: 64,
                                    stats: stats, sink: EventSink(encoder: TestEncoder(), outbox: outbox, stats: stats)) {
            processor(mode: .cloudMatch, matcher: nil, stats: stats)
        }
        try await service.run()
        let snapshot = stats.snapshot()
        #expect(snapshot[.framesCorrupt, camera: "entrance"] == 10)
        #expect(snapshot[.framesCaptured, camera: "entrance"] == 30)
        #expect(snapshot[.tracksStarted, camera: "entrance"] == 1, "the track survives the skipped frames")
    }

    @Test func edgeMatchDecidesEveryFaceWhileTheBrokerIsDown() async throws {
        let folder = temporaryFolder()
        let key = Curve25519.Signing.PrivateKey()
        let gallery = try GalleryCache(folder: folder + "/gallery", verifier: TestGalleryFormat(publicKey: key.publicKey),
                                       builder: RecognitionGalleryBuilder(modelID: "test-net"))
        // The face sits at (75, 75) in its 150-px margin crop, (80, 80) once the JPEG is scaled to 160 px: the test
        // embedding (0.8, 0.8) is near worker 1.
        #expect(gallery.apply(TestGalleryFormat.sign(version: 4, body: try Self.snapshot([1: [0.75, 0.75], 2: [9, 9]]),
                                                     key: key)) == .applied(version: 4))
        let matcher = EdgeMatcher(cache: gallery)
        let stats = AgentStats()
        let outbox = try Outbox(folder: folder + "/outbox", maxBytes: 1 << 20)
        let publisher = RecordingPublisher()
        publisher.setUp(false)   // the broker (and the cloud behind it) is unreachable
        let drainer = OutboxDrainer(outbox: outbox, publisher: publisher, stats: stats,
                                    backoff: (.milliseconds(5), .milliseconds(20)))
        let camera = CameraService(camera: "entrance", source: SyntheticSource(frames: 40), queueDepth: 64, stats: stats,
                                   sink: EventSink(encoder: TestEncoder(), outbox: outbox, stats: stats)) {
            // A real JPEG: the agent embeds the JPEG it ships, decoded as the cloud decodes it.
            processor(mode: .edgeMatch, matcher: matcher, stats: stats, renderer: ImagingCropRenderer())
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await drainer.run() }
            try await camera.run()
            let waiting = outbox.stats.depth
            #expect(waiting >= 1)
            #expect(publisher.delivered.isEmpty)
            #expect(stats.snapshot()[.localDecisions] == waiting)
            #expect(stats.snapshot()[.embeddingFailures] == 0)
            publisher.setUp(true)
            #expect(await eventually { outbox.stats.depth == 0 })
            group.cancelAll()
        }
        let faces = publisher.delivered.map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(publisher.delivered.allSatisfy { $0.topic == "test/faces/entrance" }, "no separate result messages")
        #expect(!faces.isEmpty)
        #expect(faces.allSatisfy { $0.contains("worker 1 v4") }, "every face carries the local decision: \(faces)")
    }

    @Test func privacyModeSendsNoImage() throws {
        let key = Curve25519.Signing.PrivateKey()
        let gallery = try GalleryCache(folder: temporaryFolder(), verifier: TestGalleryFormat(publicKey: key.publicKey),
                                       builder: RecognitionGalleryBuilder(modelID: "test-net"))
        var processor = processor(mode: .privacy, matcher: EdgeMatcher(cache: gallery), stats: AgentStats())
        var events: [PipelineEvent] = []
        for frame in 0..<40 {
            var pixels = [UInt8](repeating: 0, count: 320 * 240)
            for i in 1..<pixels.count { pixels[i] = UInt8((i * 7 + (i / 320) * 13) % 251) }
            pixels[0] = UInt8(frame)
            let image = try Image(width: 320, height: 240, format: .gray, pixels: pixels)
            events += processor.process(CapturedFrame(image: image, time: Date(), monotonicSeconds: Double(frame) * 0.1))
        }
        events += processor.finish()
        let faces = events.compactMap(\.face)
        for face in faces {
            guard case .embedding(let model, let values) = face.content else {
                Issue.record("privacy mode must not publish an image")
                continue
            }
            #expect(model == "test-net" && values.count == 2)
            #expect(face.edge?.galleryVersion == 0 && face.edge?.decision == MatchDecision.noGallery,
                    "decided locally, before any gallery arrived: unknown")
        }
        #expect(faces.count >= 1)
    }
}
