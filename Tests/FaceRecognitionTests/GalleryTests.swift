import FaceDetection
import Imaging
import RollcallCore
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
    static let zoe: WorkerID = 26, adam: WorkerID = 1
    static let policy = MatchPolicy(threshold: 0.5, margin: 0)

    func sample() throws -> Gallery {
        var g = try Gallery(modelID: "dlib-resnet-v1", dimension: 8, policy: Self.policy)
        try g.enroll(workerID: Self.zoe, embeddings: [embedding(1), embedding(2)])
        try g.enroll(workerID: Self.adam, embeddings: [embedding(3), embedding(4), embedding(5)])
        return g
    }

    @Test func centroidIsTheMeanAndWorkersAreSorted() throws {
        let g = try sample()
        #expect(g.workers.map(\.id) == [Self.adam, Self.zoe])
        let zoe = try #require(g.workers.last)
        for i in 0 ..< 8 { #expect(abs(zoe.centroid[i] - (embedding(1)[i] + embedding(2)[i]) / 2) < 1e-6) }
        #expect(zoe.exemplars.count == 2)
    }

    @Test func decidesNearestAndRefusesFarOrAmbiguousProbesWithTheReason() throws {
        var g = try sample()
        let zoe = try #require(g.worker(Self.zoe)).centroid
        let near = zoe.map { $0 + 0.01 }
        let accepted = try g.decide(near)
        #expect(accepted.workerID == Self.zoe && accepted.reason == .accepted)
        #expect(abs((accepted.distance ?? 0) - euclideanDistance(zoe, near)) < 1e-6)
        g.policy = MatchPolicy(threshold: 0.01, margin: 0)
        let far = try g.decide(near)
        #expect(far.workerID == nil && far.nearest == Self.zoe && far.reason == .tooFar)
        // Exactly between the two centroids: margin 0 → ambiguous under any positive margin.
        let adam = try #require(g.worker(Self.adam)).centroid
        let middle = zip(zoe, adam).map { ($0 + $1) / 2 }
        g.policy = MatchPolicy(threshold: 10, margin: 0.05)
        let ambiguous = try g.decide(middle)
        #expect(ambiguous.reason == .ambiguous && ambiguous.workerID == nil)
        #expect(abs(ambiguous.margin ?? 1) < 1e-5)
        let empty = try Gallery(modelID: "m", dimension: 8, policy: Self.policy)
        #expect(try empty.decide(near) == MatchDecision(reason: .emptyGallery, nearest: nil, distance: nil, margin: nil))
    }

    @Test func invalidEmbeddingsNeverEnter() throws {
        var g = try sample()
        let before = g
        var nan = embedding(9)
        nan[3] = .nan
        #expect(throws: RecognitionError.self) { try g.enroll(workerID: 5, embeddings: [embedding(8), nan]) }
        #expect(throws: RecognitionError.self) { try g.enroll(workerID: 5, embeddings: [embedding(8, dimension: 7)]) }
        #expect(throws: RecognitionError.self) { try g.enroll(workerID: 5, embeddings: [[Float](repeating: .infinity, count: 8)]) }
        #expect(throws: RecognitionError.self) { try g.enroll(workerID: 0, embeddings: [embedding(8)]) }
        #expect(throws: RecognitionError.self) { try g.enroll(workerID: -3, embeddings: [embedding(8)]) }
        #expect(throws: RecognitionError.self) { try g.enroll(workerID: 5, embeddings: []) }
        #expect(throws: RecognitionError.self) { _ = try g.decide(nan) }
        #expect(throws: RecognitionError.self) { _ = try g.decide(embedding(8, dimension: 7)) }
        #expect(g == before)
    }

    @Test func snapshotsAreDeterministicAndRoundTrip() throws {
        let a = try sample()
        // Same content enrolled in another order gives the same bytes.
        var b = try Gallery(modelID: "dlib-resnet-v1", dimension: 8, policy: Self.policy)
        try b.enroll(workerID: Self.adam, embeddings: [embedding(3), embedding(4), embedding(5)])
        try b.enroll(workerID: Self.zoe, embeddings: [embedding(1), embedding(2)])
        #expect(a.snapshot() == b.snapshot())
        let decoded = try Gallery(snapshot: a.snapshot(), expectedModelID: "dlib-resnet-v1")
        #expect(decoded == a)
        #expect(decoded.snapshot() == a.snapshot())
        // The policy travels with the workers: a receiver decides with the sender's threshold and margin.
        b.policy = MatchPolicy(threshold: 0.31, margin: 0.07)
        #expect(try Gallery(snapshot: b.snapshot(), expectedModelID: nil).policy == b.policy)
        #expect(b.snapshot() != a.snapshot())
    }

    @Test func snapshotsOfAnotherVersionOrWithABadPolicyAreRefusedWithTheReason() throws {
        var bytes = try sample().snapshot()
        // Version 1 (text worker ids, no policy) is no longer read.
        bytes[4] = 1
        bytes[5] = 0
        do {
            _ = try Gallery(snapshot: bytes, expectedModelID: nil)
            Issue.record("a version 1 snapshot was accepted")
        } catch {
            #expect(error.code == .invalidSnapshot && error.detail.contains("version 1"))
        }
        // A policy that is not finite cannot be built, nor decoded (written here by hand, checksum fixed).
        #expect(throws: RecognitionError.self) {
            _ = try Gallery(modelID: "m", dimension: 8, policy: MatchPolicy(threshold: .nan, margin: 0))
        }
        var nanPolicy = try sample().snapshot()
        let policyOffset = 4 + 2 + 1 + "dlib-resnet-v1".utf8.count + 4
        for (i, byte) in withUnsafeBytes(of: Float.nan.bitPattern.littleEndian, Array.init).enumerated() {
            nanPolicy[policyOffset + i] = byte
        }
        let body = nanPolicy.count - 4
        for (i, byte) in withUnsafeBytes(of: CRC32.checksum(nanPolicy[0 ..< body]).littleEndian, Array.init).enumerated() {
            nanPolicy[body + i] = byte
        }
        #expect(throws: RecognitionError.self) { _ = try Gallery(snapshot: nanPolicy, expectedModelID: nil) }
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
}
