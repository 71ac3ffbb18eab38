import FaceRecognition
import Foundation
import RollcallCore

/// Open-set identification as `rollcall eval identify` measures it (the protocol of dlib's reference
/// script): people are the sorted subfolders; even-index people are enrolled with their first K images
/// (sorted by name) and their other images are probes; odd-index people are strangers whose every image is a
/// probe. Enrolled people's gallery entry is the mean of their enrollment embeddings. A probe without a face
/// is a miss (known) or a rejection (stranger).
public enum IdentificationProtocol {
    /// Images of one person, with each image's embedding (nil: no face).
    public struct Person: Sendable {
        public var name: String
        public var embeddings: [[Float]?]

        public init(name: String, embeddings: [[Float]?]) {
            self.name = name
            self.embeddings = embeddings
        }
    }

    /// One probe against the gallery: the policy's decision and the two nearest distances.
    public struct Probe: Sendable {
        /// Whether the nearest worker is the probe's own (always false for a stranger).
        public var correct: Bool
        /// The gallery policy's decision.
        public var accepted: Bool
        /// Distance to the nearest and the second-nearest worker (∞ without a face; nil second with one worker).
        public var nearest: Float
        public var second: Float?
    }

    /// The measured figures.
    public struct Result: Sendable {
        public var enrolled: Int
        public var knownProbes: Int
        public var strangerProbes: Int
        public var noFaceEnroll: Int
        public var noFaceKnownProbe: Int
        public var noFaceStrangerProbe: Int
        public var closedSetTop1: Double
        /// The policy every probe was decided with.
        public var policy: MatchPolicy
        /// TPIR (known probes accepted as their own worker) and FPIR (strangers accepted) at the policy.
        public var tpir: Double
        public var fpir: Double
        /// Sweeping the policy's score (`MatchPolicy.score`): the score giving FPIR ≤ 1% and TPIR there.
        public var scoreAtFPIR1Percent: Double
        public var tpirAtFPIR1Percent: Double
        public var fpirAtFPIR1Percent: Double
        /// Sweeping the nearest distance alone (a threshold and nothing else): the distance giving FPIR ≤ 1%
        /// and TPIR there.
        public var thresholdAtFPIR1Percent: Double
        public var tpirAtFPIR1PercentByDistance: Double
        public var fpirAtFPIR1PercentByDistance: Double
        public var known: [Probe]
        public var strangers: [Probe]

        /// TPIR and FPIR when a match needs nothing but nearest distance < `threshold`.
        public func rates(threshold: Float) -> (tpir: Double, fpir: Double) {
            rates { $0.nearest < threshold }
        }

        /// TPIR and FPIR when `accepts` decides.
        public func rates(_ accepts: (Probe) -> Bool) -> (tpir: Double, fpir: Double) {
            let tp = known.filter { $0.correct && accepts($0) }.count
            let fp = strangers.filter(accepts).count
            return (Double(tp) / Double(max(known.count, 1)), Double(fp) / Double(max(strangers.count, 1)))
        }

        /// The value of `value` at which strangers are accepted ≤ 1% of the time (accepting below it), with the
        /// TPIR and FPIR there.
        func atFPIR1Percent(_ value: (Probe) -> Float) -> (at: Double, tpir: Double, fpir: Double) {
            let finite = strangers.map(value).filter(\.isFinite).sorted()
            let rank = max(0, Int((0.01 * Double(strangers.count)).rounded(.down)) - 1)
            guard !finite.isEmpty else { return (.infinity, rates { _ in true }.tpir, 0) }
            let at = finite[min(rank, finite.count - 1)]
            let r = rates { value($0) < at }
            return (Double(at), r.tpir, r.fpir)
        }
    }

    /// Runs the protocol with K enrollment images per enrolled person, deciding every probe with `policy`
    /// (`MatchPolicy.decide`, as the cloud and edge-matching agents do).
    public static func evaluate(people: [Person], enroll k: Int, modelID: String, dimension: Int,
                                policy: MatchPolicy) throws(RecognitionError) -> Result {
        // Person i is worker i + 1.
        var gallery = try Gallery(modelID: modelID, dimension: dimension, policy: policy)
        var noFaceEnroll = 0, noFaceKnown = 0, noFaceStranger = 0
        var knownProbes = [(id: WorkerID, embedding: [Float]?)]()
        var strangerProbes = [[Float]?]()
        for (index, person) in people.enumerated() {
            if index % 2 == 0 {
                let enrollment = person.embeddings.prefix(k).compactMap { $0 }
                noFaceEnroll += min(k, person.embeddings.count) - enrollment.count
                let id = WorkerID(index + 1)
                if !enrollment.isEmpty { try gallery.enroll(workerID: id, embeddings: enrollment) }
                for e in person.embeddings.dropFirst(k) {
                    if e == nil { noFaceKnown += 1 }
                    knownProbes.append((id, e))
                }
            } else {
                for e in person.embeddings {
                    if e == nil { noFaceStranger += 1 }
                    strangerProbes.append(e)
                }
            }
        }
        func probe(_ e: [Float]?, own: WorkerID?) throws(RecognitionError) -> Probe {
            guard let e else { return Probe(correct: false, accepted: false, nearest: .infinity, second: nil) }
            let decision = try gallery.decide(e)
            guard let nearest = decision.distance else {
                return Probe(correct: false, accepted: false, nearest: .infinity, second: nil)
            }
            return Probe(correct: own != nil && decision.nearest == own, accepted: decision.workerID != nil,
                         nearest: nearest, second: decision.margin.map { nearest + $0 })
        }
        var known = [Probe]()
        for p in knownProbes { known.append(try probe(p.embedding, own: p.id)) }
        var strangers = [Probe]()
        for p in strangerProbes { strangers.append(try probe(p, own: nil)) }
        let top1 = Double(known.filter(\.correct).count) / Double(max(known.count, 1))
        var result = Result(enrolled: gallery.workers.count, knownProbes: known.count, strangerProbes: strangers.count,
                            noFaceEnroll: noFaceEnroll, noFaceKnownProbe: noFaceKnown, noFaceStrangerProbe: noFaceStranger,
                            closedSetTop1: top1, policy: policy, tpir: 0, fpir: 0, scoreAtFPIR1Percent: 0,
                            tpirAtFPIR1Percent: 0, fpirAtFPIR1Percent: 0, thresholdAtFPIR1Percent: 0,
                            tpirAtFPIR1PercentByDistance: 0, fpirAtFPIR1PercentByDistance: 0,
                            known: known, strangers: strangers)
        (result.tpir, result.fpir) = result.rates(\.accepted)
        (result.scoreAtFPIR1Percent, result.tpirAtFPIR1Percent, result.fpirAtFPIR1Percent) =
            result.atFPIR1Percent { policy.score(nearest: $0.nearest, second: $0.second) }
        (result.thresholdAtFPIR1Percent, result.tpirAtFPIR1PercentByDistance, result.fpirAtFPIR1PercentByDistance) =
            result.atFPIR1Percent(\.nearest)
        return result
    }
}
