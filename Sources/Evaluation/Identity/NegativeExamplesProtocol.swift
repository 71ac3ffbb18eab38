// The "not this worker" measurement of issue 17, on the identify protocol's people (even-index people enrolled
// with their first K photos, odd-index people strangers): each stranger's photos are split in two halves;
// every first-half photo accepted as a worker X is marked "not X" (its embedding becomes a negative example of
// X); then the second halves (never marked) and every enrolled person's probes are decided again under a rule
// that refuses X for a face nearer to X's negatives than to X's own enrollment. Before and after: FPIR on
// the second halves, TPIR of the enrolled people's probes.
//
// The candidate rules are research code that chose the rule; `core` is the identity core's own decision
// (Gallery with negatives, MatchPolicy) — what the cloud and edge-matching agents run.
import FaceRecognition
import RollcallCore

/// Measures candidate "not this worker" rules (see the file comment).
public enum NegativeExamplesProtocol {
    /// What "X's own enrollment" means when comparing a face's distance to X's negatives.
    public enum Rule: String, Sendable, CaseIterable {
        /// Refuse X when a negative of X is nearer than X's centroid.
        case centroid
        /// Refuse X when a negative of X is nearer than X's nearest enrollment embedding.
        case exemplar
    }

    /// Figures of one rule (or of no rule, "before").
    public struct Rates: Sendable, Equatable {
        /// Second-half stranger probes accepted as some worker, over all second-half stranger probes.
        public var fpir: Double
        public var falseAccepts: Int
        /// Enrolled people's probes accepted as the right worker, over all their probes.
        public var tpir: Double
        public var trueAccepts: Int
    }

    /// The whole measurement.
    public struct Result: Sendable {
        public var threshold: Float
        public var enrolled: Int
        public var knownProbes: Int
        /// Stranger photos in the marked (first) and held-out (second) halves, faceless ones included.
        public var markedProbes: Int
        public var heldOutProbes: Int
        /// First-half false accepts, each now a negative of the worker it was taken for.
        public var negatives: Int
        /// Workers with at least one negative.
        public var workersWithNegatives: Int
        public var before: Rates
        public var after: [Rule: Rates]
        /// The identity core's decision (nearest centroid, threshold, margin 0, negatives), after marking.
        public var core: Rates
    }

    private struct Enrolled {
        var centroid: [Float]
        var exemplars: [[Float]]
        var negatives: [[Float]] = []
    }

    /// How each stranger's photos are split into the marked half and the held-out half.
    public enum Split: Sendable, Equatable {
        /// The first half in the given (file name) order is marked.
        case inOrder
        /// Each stranger's photos are shuffled with a generator seeded by `seed`, then halved.
        case shuffled(seed: UInt64)
    }

    /// Runs the measurement with `k` enrollment photos per enrolled person, accepting a face as the nearest
    /// worker when its centroid is strictly nearer than `threshold` (margin 0, as `eval identify` reports).
    public static func evaluate(people: [IdentificationProtocol.Person], enroll k: Int,
                                threshold: Float, modelID: String = Backbone.dlib.modelID,
                                split: Split = .inOrder) throws(RecognitionError) -> Result {
        var generator: SplitMix64? = if case .shuffled(let seed) = split { SplitMix64(seed: seed) } else { nil }
        var workers = [Enrolled]()
        var known = [(worker: Int, embedding: [Float]?)]()
        var marked = [[Float]?](), heldOut = [[Float]?]()
        for (index, person) in people.enumerated() {
            if index % 2 == 0 {
                let enrollment = person.embeddings.prefix(k).compactMap { $0 }
                guard let dimension = enrollment.first?.count else { continue }
                var centroid = [Float](repeating: 0, count: dimension)
                for e in enrollment { for i in 0 ..< dimension { centroid[i] += e[i] / Float(enrollment.count) } }
                workers.append(Enrolled(centroid: centroid, exemplars: enrollment))
                for e in person.embeddings.dropFirst(k) { known.append((workers.count - 1, e)) }
            } else {
                var photos = person.embeddings
                if var g = generator {
                    photos.shuffle(using: &g)
                    generator = g
                }
                let half = photos.count / 2
                marked += photos.prefix(half)
                heldOut += photos.dropFirst(half)
            }
        }
        // Mark every first-half false accept as "not X".
        var negatives = 0
        for probe in marked {
            guard let probe, let x = accepted(probe, workers, threshold: threshold, rule: nil) else { continue }
            workers[x].negatives.append(probe)
            negatives += 1
        }
        func rates(_ rule: Rule?) -> Rates {
            let fa = heldOut.filter { $0.flatMap { accepted($0, workers, threshold: threshold, rule: rule) } != nil }.count
            let ta = known.filter { probe in
                probe.embedding.flatMap { accepted($0, workers, threshold: threshold, rule: rule) } == probe.worker
            }.count
            return Rates(fpir: Double(fa) / Double(max(heldOut.count, 1)), falseAccepts: fa,
                         tpir: Double(ta) / Double(max(known.count, 1)), trueAccepts: ta)
        }
        var after = [Rule: Rates]()
        for rule in Rule.allCases { after[rule] = rates(rule) }
        // The same through the identity core: worker i is WorkerID i + 1.
        var gallery = try Gallery(modelID: modelID, dimension: workers.first?.centroid.count ?? 1,
                                  policy: MatchPolicy(threshold: threshold, margin: 0))
        for (i, w) in workers.enumerated() {
            try gallery.enroll(workerID: WorkerID(i + 1), embeddings: w.exemplars)
            if !w.negatives.isEmpty { try gallery.setNegatives(w.negatives, of: WorkerID(i + 1)) }
        }
        var coreFalse = 0, coreTrue = 0
        for probe in heldOut { if let p = probe, try gallery.decide(p).workerID != nil { coreFalse += 1 } }
        for probe in known {
            if let p = probe.embedding, try gallery.decide(p).workerID == WorkerID(probe.worker + 1) { coreTrue += 1 }
        }
        let core = Rates(fpir: Double(coreFalse) / Double(max(heldOut.count, 1)), falseAccepts: coreFalse,
                         tpir: Double(coreTrue) / Double(max(known.count, 1)), trueAccepts: coreTrue)
        return Result(threshold: threshold, enrolled: workers.count, knownProbes: known.count,
                      markedProbes: marked.count, heldOutProbes: heldOut.count, negatives: negatives,
                      workersWithNegatives: workers.filter { !$0.negatives.isEmpty }.count,
                      before: rates(nil), after: after, core: core)
    }

    /// The worker `probe` is accepted as (nearest centroid within the threshold, not refused by `rule`).
    private static func accepted(_ probe: [Float], _ workers: [Enrolled], threshold: Float, rule: Rule?) -> Int? {
        var best: (index: Int, distance: Float)?
        for (i, w) in workers.enumerated() {
            let d = euclideanDistance(w.centroid, probe)
            if let b = best, d >= b.distance { continue }
            best = (i, d)
        }
        guard let best, best.distance < threshold else { return nil }
        let worker = workers[best.index]
        guard let rule, let nearestNegative = worker.negatives.map({ euclideanDistance($0, probe) }).min() else {
            return best.index
        }
        let own: Float = switch rule {
        case .centroid: best.distance
        case .exemplar: worker.exemplars.map { euclideanDistance($0, probe) }.min() ?? best.distance
        }
        return nearestNegative < own ? nil : best.index
    }
}
