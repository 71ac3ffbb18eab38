import Testing
@testable import Evaluation
import FaceRecognition

@Suite struct NegativeExamplesProtocolTests {
    /// Worker "a" at the origin (probes near it); stranger "b" whose first half lies near "a" and whose second
    /// half lies near the first half; worker "c" far away; stranger "d" far from everyone.
    func people() -> [IdentificationProtocol.Person] {
        [
            .init(name: "a", embeddings: [[0, 0], [0.02, 0], [0.05, 0.05], [-0.05, 0]]),
            .init(name: "b", embeddings: [[0.3, 0.3], [0.32, 0.3], [0.31, 0.31], [0.3, 0.33]]),
            .init(name: "c", embeddings: [[5, 5], [5.1, 5], [5, 5.1]]),
            .init(name: "d", embeddings: [[9, -9], nil]),
        ]
    }

    @Test func markedFalseAcceptsStopTheStrangersOtherPhotosButNotTheWorker() throws {
        let r = try NegativeExamplesProtocol.evaluate(people: people(), enroll: 1, threshold: 0.5)
        #expect(r.enrolled == 2)
        #expect(r.knownProbes == 5)
        // b's first half (2 photos) was taken for a; d's first half (1) was not.
        #expect(r.markedProbes == 3)
        #expect(r.heldOutProbes == 3)
        #expect(r.negatives == 2)
        #expect(r.workersWithNegatives == 1)
        #expect(r.before.falseAccepts == 2)
        #expect(r.before.trueAccepts == 5)
        for rule in NegativeExamplesProtocol.Rule.allCases {
            #expect(r.after[rule]?.falseAccepts == 0, "\(rule)")
            #expect(r.after[rule]?.trueAccepts == 5, "\(rule)")
        }
        #expect(r.core == r.after[.exemplar])
    }

    @Test func withoutFalseAcceptsNothingChanges() throws {
        let r = try NegativeExamplesProtocol.evaluate(people: people(), enroll: 1, threshold: 0.1)
        #expect(r.negatives == 0)
        for rule in NegativeExamplesProtocol.Rule.allCases { #expect(r.after[rule] == r.before) }
        #expect(r.core == r.before)
    }
}
