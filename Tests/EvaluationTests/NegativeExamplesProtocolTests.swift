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

    @Test func randomSplitsAverageTheHeldOutHalvesOfEverySplit() throws {
        let s = try NegativeExamplesProtocol.evaluate(people: people(), enroll: 1, threshold: 0.5, splits: 6, seed: 3)
        #expect(s.splits == 6)
        #expect(s.results.count == 6)
        // Whatever half of b is marked, b's other half is held out, taken for a before and refused after.
        for r in s.results {
            #expect(r.negatives == 2)
            #expect(r.before.falseAccepts == 2)
            #expect(r.core.falseAccepts == 0)
            #expect(r.core.trueAccepts == 5)
        }
        #expect(abs(s.meanFPIRBefore - 2.0 / 3.0) < 1e-9)
        #expect(s.meanFPIRAfter == 0)
        #expect(s.meanTPIRChangePoints == 0)
        #expect(s.worstTPIRChangePoints == 0)
        #expect(s.splitsWithHeldOutFalseAccepts == 6)
        #expect(s.totalFalseAcceptsBefore == 12)
        #expect(s.totalFalseAcceptsAfter == 0)
    }

    @Test func aShuffledSplitIsReproducibleFromItsSeedAndDiffersAcrossSeeds() throws {
        // One worker at the origin; one stranger with ten photos, only photo 0 taken for the worker. Which half
        // photo 0 lands in decides whether there is a negative, so over many seeds both outcomes occur.
        let people: [IdentificationProtocol.Person] = [
            .init(name: "w", embeddings: [[0, 0], [0.01, 0]]),
            .init(name: "s", embeddings: [[0.3, 0]] + (1 ..< 10).map { [Float(3 + $0), 0] }),
        ]
        var outcomes = Set<Int>()
        for seed in UInt64(0) ..< 20 {
            let a = try NegativeExamplesProtocol.evaluate(people: people, enroll: 1, threshold: 0.5,
                                                          split: .shuffled(seed: seed))
            let b = try NegativeExamplesProtocol.evaluate(people: people, enroll: 1, threshold: 0.5,
                                                          split: .shuffled(seed: seed))
            #expect(a.negatives == b.negatives && a.before == b.before)
            // Photo 0 is either marked (a negative) or held out (a false accept), never both.
            #expect(a.negatives + a.before.falseAccepts == 1)
            outcomes.insert(a.negatives)
        }
        #expect(outcomes == [0, 1])
    }
}
