import FaceDetection
import Imaging
import Testing
@testable import FaceRecognition

/// Deterministic pseudo-random embeddings.
private func embedding(_ seed: Int, dimension: Int = 8) -> [Float] {
    var state = UInt64(seed) &* 6364136223846793005 &+ 1442695040888963407
    return (0 ..< dimension).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int(state >> 40) % 1000) / 1000 - 0.5
    }
}

@Suite struct GalleryTests {
    func sample() throws -> Gallery {
        var g = try Gallery(modelID: "dlib-resnet-v1", dimension: 8)
        try g.enroll(workerID: "zoe", embeddings: [embedding(1), embedding(2)])
        try g.enroll(workerID: "adam", embeddings: [embedding(3), embedding(4), embedding(5)])
        return g
    }

    @Test func centroidIsTheMeanAndWorkersAreSorted() throws {
        let g = try sample()
        #expect(g.workers.map(\.id) == ["adam", "zoe"])
        let zoe = try #require(g.workers.last)
        for i in 0 ..< 8 { #expect(abs(zoe.centroid[i] - (embedding(1)[i] + embedding(2)[i]) / 2) < 1e-6) }
        #expect(zoe.exemplars.count == 2)
    }

    @Test func matchesNearestAndRefusesFarOrAmbiguousProbes() throws {
        let g = try sample()
        let zoe = try #require(g.workers.last).centroid
        let near = zoe.map { $0 + 0.01 }
        #expect(try g.match(near, thresholds: MatchThresholds(distance: 0.5, margin: 0)).workerID == "zoe")
        if case .unknown(let nearest, _, let reason) = try g.match(near, thresholds: MatchThresholds(distance: 0.01, margin: 0)) {
            #expect(nearest == "zoe")
            #expect(reason == .tooFar)
        } else { Issue.record("a probe beyond the threshold was accepted") }
        // Exactly between the two centroids: margin 0 → ambiguous under any positive margin.
        let adam = try #require(g.workers.first).centroid
        let middle = zip(zoe, adam).map { ($0 + $1) / 2 }
        if case .unknown(_, _, let reason) = try g.match(middle, thresholds: MatchThresholds(distance: 10, margin: 0.05)) {
            #expect(reason == .ambiguous)
        } else { Issue.record("an ambiguous probe was accepted") }
        let empty = try Gallery(modelID: "m", dimension: 8)
        #expect(try empty.match(near, thresholds: .defaults(for: .dlib)) == .unknown(nearest: nil, distance: .infinity, reason: .emptyGallery))
    }

    @Test func invalidEmbeddingsNeverEnter() throws {
        var g = try sample()
        let before = g
        var nan = embedding(9)
        nan[3] = .nan
        #expect(throws: RecognitionError.self) { try g.enroll(workerID: "eve", embeddings: [embedding(8), nan]) }
        #expect(throws: RecognitionError.self) { try g.enroll(workerID: "eve", embeddings: [embedding(8, dimension: 7)]) }
        #expect(throws: RecognitionError.self) { try g.enroll(workerID: "eve", embeddings: [[Float](repeating: .infinity, count: 8)]) }
        #expect(throws: RecognitionError.self) { try g.enroll(workerID: "", embeddings: [embedding(8)]) }
        #expect(throws: RecognitionError.self) { try g.enroll(workerID: "eve", embeddings: []) }
        #expect(throws: RecognitionError.self) { _ = try g.match(nan, thresholds: .defaults(for: .dlib)) }
        #expect(g == before)
    }

    @Test func snapshotsAreDeterministicAndRoundTrip() throws {
        let a = try sample()
        // Same content enrolled in another order gives the same bytes.
        var b = try Gallery(modelID: "dlib-resnet-v1", dimension: 8)
        try b.enroll(workerID: "adam", embeddings: [embedding(3), embedding(4), embedding(5)])
        try b.enroll(workerID: "zoe", embeddings: [embedding(1), embedding(2)])
        #expect(a.snapshot() == b.snapshot())
        let decoded = try Gallery(snapshot: a.snapshot(), expectedModelID: "dlib-resnet-v1")
        #expect(decoded == a)
        #expect(decoded.snapshot() == a.snapshot())
    }

    @Test func damagedOrForeignSnapshotsAreRefused() throws {
        let bytes = try sample().snapshot()
        for cut in [0, 3, 10, bytes.count / 2, bytes.count - 1] {
            #expect(throws: RecognitionError.self) { _ = try Gallery(snapshot: Array(bytes.prefix(cut)), expectedModelID: nil) }
        }
        #expect(throws: RecognitionError.self) { _ = try Gallery(snapshot: bytes + [0], expectedModelID: nil) }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        #expect(throws: RecognitionError.self) { _ = try Gallery(snapshot: flipped, expectedModelID: nil) }
        do {
            _ = try Gallery(snapshot: bytes, expectedModelID: Backbone.vgg16.modelID)
            Issue.record("a dlib snapshot was accepted as vgg16")
        } catch {
            #expect(error.code == .backboneMismatch)
        }
    }

    @Test func enrollmentPhotoChecksGiveTheReason() throws {
        func face(eyes: Float, at x: Float = 100) -> DetectedFace {
            DetectedFace(score: 0.9, box: Rect(x: x, y: 100, width: eyes * 2.5, height: eyes * 2.5),
                         keypoints: [Point(x: x + eyes * 0.75, y: 130), Point(x: x + eyes * 1.75, y: 130),
                                     Point(x: x + eyes, y: 150), Point(x: x + eyes, y: 170),
                                     Point(x: x, y: 140), Point(x: x + eyes * 2.5, y: 140)])
        }
        let check = EnrollmentPhotoCheck()
        func code(_ faces: [DetectedFace]) -> RecognitionError.Code? {
            do { _ = try check.face(in: faces); return nil } catch { return error.code }
        }
        #expect(code([]) == .noFace)
        #expect(code([face(eyes: 60), face(eyes: 60, at: 400)]) == .multipleFaces)
        #expect(code([face(eyes: 39)]) == .faceTooSmall)
        #expect(code([face(eyes: 41)]) == nil)
    }
}
