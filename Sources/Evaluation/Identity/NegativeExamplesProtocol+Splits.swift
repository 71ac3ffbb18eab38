// The "not this worker" measurement repeated over many random half-splits of each stranger's photos. One
// split in file-name order can leave the held-out halves without a false accept to remove (celeba-dev at the
// default threshold), so nothing can fall; averaging over seeded random splits measures what marking does to
// faces it has not seen, whichever photos happen to be marked.
import FaceRecognition

extension NegativeExamplesProtocol {
    /// Means over several splits (each split's rates weigh equally).
    public struct SplitSummary: Sendable {
        public var splits: Int
        public var seed: UInt64
        /// Each split's result, in split order.
        public var results: [Result]
        public var meanFPIRBefore: Double
        /// After marking, with the identity core's decision.
        public var meanFPIRAfter: Double
        public var meanTPIRBefore: Double
        public var meanTPIRAfter: Double
        /// Mean of (after − before) TPIR, in points (percentage points).
        public var meanTPIRChangePoints: Double
        /// The most negative per-split TPIR change, in points.
        public var worstTPIRChangePoints: Double
        public var meanNegatives: Double
        /// Splits whose held-out halves held at least one false accept before marking.
        public var splitsWithHeldOutFalseAccepts: Int
        /// Held-out false accepts summed over all splits, before and after (core).
        public var totalFalseAcceptsBefore: Int
        public var totalFalseAcceptsAfter: Int
    }

    /// Runs `evaluate` on `splits` shuffled splits; split `i` uses the generator seeded with `seed + i`.
    public static func evaluate(people: [IdentificationProtocol.Person], enroll k: Int, threshold: Float,
                                modelID: String = Backbone.dlib.modelID, splits: Int,
                                seed: UInt64) throws(RecognitionError) -> SplitSummary {
        var results = [Result]()
        for i in 0 ..< max(splits, 1) {
            results.append(try evaluate(people: people, enroll: k, threshold: threshold, modelID: modelID,
                                        split: .shuffled(seed: seed &+ UInt64(i))))
        }
        func mean(_ value: (Result) -> Double) -> Double {
            results.map(value).reduce(0, +) / Double(results.count)
        }
        let changes = results.map { ($0.core.tpir - $0.before.tpir) * 100 }
        return SplitSummary(
            splits: results.count, seed: seed, results: results,
            meanFPIRBefore: mean { $0.before.fpir }, meanFPIRAfter: mean { $0.core.fpir },
            meanTPIRBefore: mean { $0.before.tpir }, meanTPIRAfter: mean { $0.core.tpir },
            meanTPIRChangePoints: changes.reduce(0, +) / Double(changes.count),
            worstTPIRChangePoints: changes.min() ?? 0,
            meanNegatives: mean { Double($0.negatives) },
            splitsWithHeldOutFalseAccepts: results.filter { $0.before.falseAccepts > 0 }.count,
            totalFalseAcceptsBefore: results.map(\.before.falseAccepts).reduce(0, +),
            totalFalseAcceptsAfter: results.map(\.core.falseAccepts).reduce(0, +))
    }
}
