// The ratio test of the match policy: the gallery as its own cohort, its boundary, its travel in the snapshot,
// and what the identification protocol measures with it.
import Foundation
import RollcallCore
import Testing
@testable import FaceRecognition

@Suite struct MatchPolicyRatioTests {
    func gallery(_ points: [WorkerID: [Float]], policy: MatchPolicy) throws -> Gallery {
        var g = try Gallery(modelID: "test-net", dimension: 2, policy: policy)
        for (id, point) in points { try g.enroll(workerID: id, embeddings: [point]) }
        return g
    }

    @Test func aProbeNearlyAsCloseToTheRunnerUpIsAmbiguous() throws {
        // Workers at x = 0 and x = 1; a probe at x = 0.25 is 0.25 and 0.75 away (ratio 1/3).
        let policy = MatchPolicy(threshold: 0.5, margin: 0, ratio: 0.5)
        let g = try gallery([1: [0, 0], 2: [1, 0]], policy: policy)
        #expect(try g.decide([0.25, 0]).workerID == 1)
        // At x = 0.375: 0.375 and 0.625 (ratio 0.6 ≥ 0.5) — inside the threshold, but ambiguous.
        let d = try g.decide([0.375, 0])
        #expect(d.reason == .ambiguous && d.nearest == 1 && d.distance == 0.375 && d.margin == 0.25)
        // Exactly at the ratio (1/3 of 0.75 … 0.25 / 0.75 = 1/3): refused, the test is strict.
        var exact = g
        exact.policy.ratio = 1.0 / 3.0
        #expect(try exact.decide([0.25, 0]).reason == .ambiguous)
        // Ratio 1 switches the test off.
        var off = g
        off.policy.ratio = 1
        #expect(try off.decide([0.375, 0]).workerID == 1)
    }

    @Test func oneWorkerIsDecidedByTheThresholdAlone() throws {
        let g = try gallery([5: [0, 0]], policy: MatchPolicy(threshold: 0.5, margin: 0, ratio: 0.1))
        #expect(try g.decide([0.4, 0]).workerID == 5)
        #expect(try g.decide([0.6, 0]).reason == .tooFar)
    }

    @Test func theScoreIsBelowOneExactlyWhenThresholdAndRatioAccept() throws {
        let policy = MatchPolicy(threshold: 0.47, margin: 0, ratio: 0.86)
        var state: UInt64 = 42
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(state >> 40) % 2000) / 1000 - 1
        }
        var workers: [WorkerID: [Float]] = [:]
        for id in 1 ... 12 { workers[WorkerID(id)] = [next(), next()] }
        let g = try gallery(workers, policy: policy)
        for _ in 0 ..< 500 {
            let probe = [next(), next()]
            let decision = try g.decide(probe)
            let nearest = try #require(decision.distance), second = decision.margin.map { nearest + $0 }
            #expect((policy.score(nearest: nearest, second: second) < 1) == (decision.workerID != nil), "\(probe)")
        }
    }

    @Test func ratiosOutsideZeroToOneAreRefused() {
        for ratio: Float in [0, -0.5, 1.01, .nan, .infinity] {
            #expect(throws: RecognitionError.self) {
                try Gallery(modelID: "m", dimension: 2, policy: MatchPolicy(threshold: 0.5, margin: 0, ratio: ratio))
            }
        }
    }

    @Test func ratioAndNegativesTravelInTheSnapshot() throws {
        var g = try gallery([1: [0, 0], 2: [1, 0]], policy: MatchPolicy(threshold: 0.5, margin: 0.01, ratio: 0.86))
        try g.setNegatives([[0.2, 0.1]], of: 1)
        let bytes = g.snapshot()
        #expect(bytes[4] == 4 && bytes[5] == 0, "version 4")
        let back = try Gallery(snapshot: bytes, expectedModelID: "test-net")
        #expect(back == g && back.policy.ratio == 0.86 && back.worker(1)?.negatives == [[0.2, 0.1]])
        // Any version after this build's is refused.
        var v5 = bytes
        v5[4] = 5
        #expect(throws: RecognitionError.self) { try Gallery(snapshot: v5, expectedModelID: nil) }
    }

    /// A snapshot in an older layout: version 3 has negatives but no ratio, version 2 neither.
    func oldSnapshot(version: UInt16) -> [UInt8] {
        var out = Gallery.snapshotMagic
        out.appendLE(version)
        out.appendString("test-net")
        out.appendLE(UInt32(2))
        out.appendLE(Float(0.5).bitPattern)
        out.appendLE(Float(0.01).bitPattern)
        out.appendLE(UInt32(2))
        for (id, x) in [(WorkerID(1), Float(0)), (WorkerID(2), Float(1))] {
            out.appendLE(id)
            out.appendLE(UInt32(1))
            if version >= 3 { out.appendLE(UInt32(id == 1 ? 1 : 0)) }
            for v: Float in [x, 0, x, 0] { out.appendLE(v.bitPattern) }   // centroid, then the one exemplar
            if version >= 3, id == 1 { for v: Float in [-0.5, 0.5] { out.appendLE(v.bitPattern) } }
        }
        out.appendLE(CRC32.checksum(out))
        return out
    }

    @Test func versionsThreeAndTwoStillReadWithTheRatioTestOff() throws {
        let v3 = try Gallery(snapshot: oldSnapshot(version: 3), expectedModelID: "test-net")
        #expect(v3.policy == MatchPolicy(threshold: 0.5, margin: 0.01, ratio: 1))
        #expect(v3.workers.map(\.id) == [1, 2] && v3.worker(1)?.negatives == [[-0.5, 0.5]])
        // Without a ratio test a probe at 0.4 / 0.6 is accepted (it would be ambiguous at 0.5).
        #expect(try v3.decide([0.4, 0]).workerID == 1)
        let v2 = try Gallery(snapshot: oldSnapshot(version: 2), expectedModelID: "test-net")
        #expect(v2.policy == v3.policy && v2.worker(1)?.negatives == [])
        // Re-encoded, both become version 4 and read back equal.
        #expect(try Gallery(snapshot: v3.snapshot(), expectedModelID: nil) == v3)
    }
}
