// The per-camera pipeline on video-like scripts: small faces tracked and reported as image-free sightings,
// identities carried by every frame of a track, re-association by embedding after a cut.
import Crypto
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import RollcallCore
import Testing
import Wire
@testable import Agent

@Suite struct PipelineVideoTests {
    static let config = try! AgentConfig.parse(yaml: AgentConfigTests.minimal)

    /// Embeds a face by its detector score (tests give each person their own score).
    final class ScoreEmbedder: FaceEmbedder {
        let modelID = "test-net"
        let dimension = 2
        func embedding(of image: Image, face: DetectedFace) throws(RecognitionError) -> [Float] { [face.score * 5, 0] }
    }

    /// A textured grey 320×240 frame whose first pixel is its index (what `ScriptedDetector` reads); another
    /// `scene` is another picture (a camera cut between them).
    static func frame(_ index: Int, scene: Int = 0) throws -> CapturedFrame {
        var pixels = [UInt8](repeating: 0, count: 320 * 240)
        for i in 1 ..< pixels.count {
            let texture = UInt8((i * 7 + (i / 320) * 13) % 251)
            pixels[i] = scene == 0 ? texture : 60 + texture / 8
        }
        pixels[0] = UInt8(index)
        return CapturedFrame(image: try Image(width: 320, height: 240, format: .gray, pixels: pixels),
                             time: Date(timeIntervalSince1970: 1_000_000 + Double(index) / 10),
                             monotonicSeconds: Double(index) / 10)
    }

    /// An edge matcher whose signed gallery holds worker 7, the person whose faces score 0.9.
    func matcherKnowingWorker7() throws -> EdgeMatcher {
        let key = Curve25519.Signing.PrivateKey()
        let cache = try GalleryCache(folder: temporaryFolder(), verifier: TestGalleryFormat(publicKey: key.publicKey),
                                     builder: RecognitionGalleryBuilder(modelID: "test-net"))
        var gallery = try Gallery(modelID: "test-net", dimension: 2, policy: MatchPolicy(threshold: 0.5, margin: 0))
        try gallery.enroll(workerID: 7, embeddings: [[4.5, 0]])
        #expect(cache.apply(TestGalleryFormat.sign(version: 1, body: Data(gallery.snapshot()), key: key)) == .applied(version: 1))
        return EdgeMatcher(cache: cache)
    }

    func run(_ script: [[DetectedFace]], mode: AgentConfig.Mode = .cloudMatch, matcher: EdgeMatcher? = nil,
             frames: Int = 40, cutAt: Int? = nil,
             observe: (Int, [TrackedFace]) -> Void = { _, _ in }) throws -> [PipelineEvent] {
        var processor = FrameProcessor(camera: "yard", mode: mode, detection: Self.config.detection,
                                       tracking: Self.config.tracking, crops: Self.config.crops,
                                       detector: ScriptedDetector(script: script),
                                       // Edge-match embeds the JPEG it ships, decoded as the cloud decodes it.
                                       renderer: mode == .edgeMatch ? ImagingCropRenderer() : CopyRenderer(),
                                       embedder: mode == .cloudMatch ? nil : ScoreEmbedder(), matcher: matcher,
                                       stats: AgentStats(), firstTrackID: 1)
        var events: [PipelineEvent] = []
        for k in 0 ..< frames {
            events += processor.process(try Self.frame(k, scene: k >= cutAt ?? .max ? 1 : 0))
            observe(k, processor.lastFrameFaces)
        }
        return events + processor.finish()
    }

    func sightings(_ events: [PipelineEvent]) -> [SightingEvent] {
        events.compactMap { if case .sighting(let s) = $0 { s } else { nil } }
    }

    func faceCount(_ events: [PipelineEvent]) -> Int {
        events.filter { if case .face = $0 { true } else { false } }.count
    }

    @Test func aFaceTooSmallToSendIsTrackedAndReportedOnceWithoutAnImage() throws {
        // A 20-px face (below min_face_px 24) walking for a second, then gone for more than the track's gap.
        let script = (0 ..< 10).map { [face(x: 40 + 3 * Float($0), y: 60, size: 20 + Float($0) / 5)] }
        let events = try run(script)
        #expect(faceCount(events) == 0, "nothing of a too-small face is sent")
        let seen = sightings(events)
        #expect(seen.count == 1)
        let s = try #require(seen.first)
        #expect(s.reason == .tooSmall && s.detections == 10 && s.camera == "yard" && s.trackID == 1)
        #expect(abs(s.largestFacePixels - 21.8) < 0.01)
        #expect(abs(s.lastSeen.timeIntervalSince(s.firstSeen) - 0.9) < 1e-6)
        #expect(s.frameWidth == 320 && s.frameHeight == 240)
    }

    @Test func aFaceLargeEnoughButNeverGoodEnoughIsALowQualitySighting() throws {
        // 30 px, at the minimum score, without keypoints (frontalness 0): quality stays below the gate.
        let poor = DetectedFace(score: 0.6, box: Rect(x: 100, y: 80, width: 30, height: 30), keypoints: [])
        let events = try run(Array(repeating: [poor], count: 8))
        #expect(faceCount(events) == 0)
        #expect(sightings(events).map(\.reason) == [.lowQuality])
    }

    @Test func aSentFaceAndAOneFrameFlickerAreNoSightings() throws {
        // Frames 0…9: a 100-px face (published); frame 20: a single small detection elsewhere.
        var script = (0 ..< 10).map { [face(x: 60 + 2 * Float($0), y: 60, size: 100)] }
        script += Array(repeating: [], count: 10) + [[face(x: 250, y: 180, size: 12)]]
        let events = try run(script)
        #expect(faceCount(events) >= 1)
        #expect(sightings(events).isEmpty)
    }

    @Test func framesCarryTheirTracksIdentityAcrossACut() throws {
        let matcher = try matcherKnowingWorker7()
        // Frames 0…9 on the left; a camera cut puts the same person on the right (200 px away) in frames 10…19;
        // another person (score 0.7) appears at the left in frame 12.
        var script = (0 ..< 10).map { [face(x: 20 + Float($0), y: 60, size: 90, score: 0.9)] }
        script += (10 ..< 20).map { k in
            [face(x: 220 + Float(k), y: 90, size: 80, score: 0.9)] + (k >= 12 ? [face(x: 20, y: 60, size: 90, score: 0.7)] : [])
        }
        var frames: [Int: [TrackedFace]] = [:]
        let events = try run(script, mode: .edgeMatch, matcher: matcher, frames: 20) { frames[$0] = $1 }
        let first = try #require(frames[0]?.first)
        // The first crop is published (and decided) on the first frame: every frame of the track says who it is.
        #expect(first.decision?.workerID == 7)
        for k in 1 ..< 20 {
            let person = try #require(frames[k]?.first { $0.face.score == 0.9 }, "frame \(k)")
            #expect(person.trackID == first.trackID, "frame \(k): the cut did not split the track")
            #expect(person.decision?.workerID == 7, "frame \(k)")
        }
        let stranger = try #require(frames[15]?.first { $0.face.score == 0.7 })
        #expect(stranger.trackID != first.trackID)
        #expect(stranger.decision.map { $0.workerID == nil } ?? true, "the other person is not worker 7")
        #expect(faceCount(events) >= 2)
    }

    @Test func aStrangerWhereTheWorkerStoodBeforeACutIsNotGivenTheWorkersTrack() throws {
        let matcher = try matcherKnowingWorker7()
        // Worker 7 in frames 0…9; the camera cuts to another picture where a stranger (score 0.7) stands on the
        // same spot, a little larger, in frames 10…19. Motion alone would continue the worker's track.
        var script = (0 ..< 10).map { [face(x: 100 + Float($0), y: 60, size: 90, score: 0.9)] }
        script += (10 ..< 20).map { k in [face(x: 105 + Float(k), y: 58, size: 96, score: 0.7)] }
        var frames: [Int: [TrackedFace]] = [:]
        _ = try run(script, mode: .edgeMatch, matcher: matcher, frames: 20, cutAt: 10) {
            frames[$0] = $1
        }
        let worker = try #require(frames[9]?.first)
        #expect(worker.decision?.workerID == 7)
        for k in 10 ..< 20 {
            let stranger = try #require(frames[k]?.first, "frame \(k)")
            #expect(stranger.trackID != worker.trackID, "frame \(k): the stranger continued the worker's track")
            #expect(stranger.decision?.workerID == nil, "frame \(k)")
        }
    }

    @Test func aSightingLeavesAsWiresImageFreeMessageOnItsCamerasTopic() throws {
        let event = SightingEvent(messageID: UUID(), camera: "yard", trackID: 42, firstSeen: Date(timeIntervalSince1970: 1_000),
                                  lastSeen: Date(timeIntervalSince1970: 1_004.5), detections: 45, largestFacePixels: 19.5,
                                  frameWidth: 640, frameHeight: 360, reason: .tooSmall)
        let message = try WireAgentEncoder(site: "plant", agent: "gate", mode: .cloudMatch, version: "t").sighting(event)
        #expect(message.topic == "rollcall/v1/sites/plant/agents/gate/cameras/yard/sightings")
        let decoded = try FaceSighting(decoding: Data(message.payload))
        #expect(decoded.messageID == event.messageID && decoded.trackID == 42 && decoded.detections == 45)
        #expect(decoded.reason == .tooSmall && decoded.largestFacePixels == 19.5 && decoded.frameWidth == 640)
        #expect(message.payload.count < 100, "no image: \(message.payload.count) bytes")
    }
}
