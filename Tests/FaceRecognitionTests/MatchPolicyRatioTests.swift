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

    @Test func theRatioTravelsInTheSnapshotAndVersion2StillReads() throws {
        let g = try gallery([1: [0, 0], 2: [1, 0]], policy: MatchPolicy(threshold: 0.5, margin: 0.01, ratio: 0.86))
        let bytes = g.snapshot()
        let back = try Gallery(snapshot: bytes, expectedModelID: "test-net")
        #expect(back == g && back.policy.ratio == 0.86)
        // The same gallery as a version-2 snapshot (no ratio field): read with the ratio test off.
        var v2 = Array(bytes[0 ..< 4]) + [2, 0]
        let policyStart = 4 + 2 + 1 + "test-net".utf8.count + 4
        v2 += bytes[6 ..< policyStart + 8]
        v2 += bytes[(policyStart + 12) ..< (bytes.count - 4)]
        v2.appendLE(CRC32.checksum(v2))
        let old = try Gallery(snapshot: v2, expectedModelID: "test-net")
        #expect(old.policy == MatchPolicy(threshold: 0.5, margin: 0.01, ratio: 1))
        #expect(old.workers == g.workers)
        // Any other version is refused.
        var v4 = bytes
        v4[4] = 4
        #expect(throws: RecognitionError.self) { try Gallery(snapshot: v4, expectedModelID: nil) }
    }

    @Test func aPolicyStoredWithoutARatioDecodesWithTheTestOff() throws {
        let json = Data(#"{"threshold":0.47,"margin":0}"#.utf8)
        #expect(try JSONDecoder().decode(MatchPolicy.self, from: json) == MatchPolicy(threshold: 0.47, margin: 0, ratio: 1))
        let now = MatchPolicy.defaults(for: .dlib)
        #expect(try JSONDecoder().decode(MatchPolicy.self, from: JSONEncoder().encode(now)) == now)
    }

    @Test func theIdentificationProtocolDecidesWithThePolicy() throws {
        // Enrolled people 0 and 2 (workers 1 and 3) at x = 0 and x = 1; stranger person 1 between them.
        let people = [
            IdentificationProtocol.Person(name: "a", embeddings: [[0, 0], [0.1, 0], [0.45, 0]]),
            IdentificationProtocol.Person(name: "s", embeddings: [[0.4, 0], [0.5, 0], nil]),
            IdentificationProtocol.Person(name: "b", embeddings: [[1, 0], [0.95, 0]]),
        ]
        let strict = try IdentificationProtocol.evaluate(people: people, enroll: 1, modelID: "m", dimension: 2,
                                                         policy: MatchPolicy(threshold: 0.47, margin: 0, ratio: 0.86))
        // Known probes: 0.1 (ratio 0.11, accepted), 0.45 (0.45 / 0.55 = 0.82, accepted), 0.95 (accepted).
        #expect(strict.knownProbes == 3 && strict.tpir == 1)
        // Strangers: 0.4 (0.4 / 0.6 = 0.67 < 0.86: accepted), 0.5 (tooFar), no face (refused).
        #expect(strict.strangerProbes == 3 && abs(strict.fpir - 1.0 / 3.0) < 1e-9)
        #expect(strict.noFaceStrangerProbe == 1)
        let tighter = try IdentificationProtocol.evaluate(people: people, enroll: 1, modelID: "m", dimension: 2,
                                                          policy: MatchPolicy(threshold: 0.47, margin: 0, ratio: 0.6))
        #expect(tighter.fpir == 0 && abs(tighter.tpir - 2.0 / 3.0) < 1e-9)
    }
}
