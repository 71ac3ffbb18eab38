// The one match rule: the boundaries of threshold and margin, deterministic ties, and agreement with a full
// ranking of the gallery.
import RollcallCore
import Testing
@testable import FaceRecognition

@Suite struct MatchPolicyTests {
    /// A 2-d gallery with workers at the given points.
    func gallery(_ points: [WorkerID: [Float]], policy: MatchPolicy) throws -> Gallery {
        var g = try Gallery(modelID: "test-net", dimension: 2, policy: policy)
        for (id, point) in points { try g.enroll(workerID: id, embeddings: [point]) }
        return g
    }

    @Test func aProbeExactlyAtTheThresholdIsTooFar() throws {
        // Distances chosen to be exact in binary: 0.5 from worker 1.
        let g = try gallery([1: [0, 0]], policy: MatchPolicy(threshold: 0.5, margin: 0))
        #expect(try g.decide([0.5, 0]).reason == .tooFar)
        #expect(try g.decide([0.25, 0]).workerID == 1)
    }

    @Test func aGapExactlyAtTheMarginIsAccepted() throws {
        // Probe at 0.25 from worker 1 and 0.75 from worker 2: gap 0.5.
        let g = try gallery([1: [0, 0], 2: [1, 0]], policy: MatchPolicy(threshold: 1, margin: 0.5))
        let decision = try g.decide([0.25, 0])
        #expect(decision.workerID == 1 && decision.margin == 0.5)
        var stricter = g
        stricter.policy.margin = 0.5000001
        #expect(try stricter.decide([0.25, 0]).reason == .ambiguous)
    }

    @Test func equalDistancesRankTheLowerIDFirstWhateverTheEnrollmentOrder() throws {
        let policy = MatchPolicy(threshold: 2, margin: 0)
        var a = try Gallery(modelID: "test-net", dimension: 2, policy: policy)
        try a.enroll(workerID: 9, embeddings: [[1, 0]])
        try a.enroll(workerID: 4, embeddings: [[-1, 0]])
        var b = try Gallery(modelID: "test-net", dimension: 2, policy: policy)
        try b.enroll(workerID: 4, embeddings: [[-1, 0]])
        try b.enroll(workerID: 9, embeddings: [[1, 0]])
        for g in [a, b] {
            let decision = try g.decide([0, 0])
            #expect(decision.nearest == 4 && decision.workerID == 4 && decision.margin == 0)
            #expect(try g.ranked([0, 0]).map(\.id) == [4, 9])
        }
    }

    @Test func oneWorkerHasNoMarginAndIsNeverAmbiguous() throws {
        let g = try gallery([3: [0, 0]], policy: MatchPolicy(threshold: 1, margin: 0.9))
        let decision = try g.decide([0.1, 0])
        #expect(decision.workerID == 3 && decision.margin == nil)
    }

    @Test func theDecisionAgreesWithAFullRanking() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(state >> 40) % 2000) / 1000 - 1
        }
        for round in 0 ..< 50 {
            var points: [WorkerID: [Float]] = [:]
            for id in 1 ... WorkerID(1 + round % 7) { points[id] = [next(), next()] }
            let g = try gallery(points, policy: MatchPolicy(threshold: 0.6, margin: 0.05))
            let probe = [next(), next()]
            let ranking = try g.ranked(probe)
            let decision = try g.decide(probe)
            #expect(decision.nearest == ranking.first?.id && decision.distance == ranking.first?.distance)
            let gap = ranking.count > 1 ? ranking[1].distance - ranking[0].distance : nil
            #expect(decision.margin == gap)
            let expected = ranking[0].distance < 0.6 && (gap ?? .infinity) >= 0.05 ? ranking[0].id : nil
            #expect(decision.workerID == expected, "round \(round)")
        }
    }

    @Test func invalidPoliciesAreRefused() {
        for policy in [MatchPolicy(threshold: 0, margin: 0), MatchPolicy(threshold: -1, margin: 0),
                       MatchPolicy(threshold: .infinity, margin: 0), MatchPolicy(threshold: 0.5, margin: -0.1),
                       MatchPolicy(threshold: 0.5, margin: .nan)] {
            #expect(throws: RecognitionError.self) { try policy.validate() }
        }
        #expect(throws: Never.self) { try MatchPolicy.defaults(for: .dlib).validate() }
    }
}
