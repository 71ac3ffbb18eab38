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

    /// The measured figures.
    public struct Result: Sendable {
        public var enrolled: Int
        public var knownProbes: Int
        public var strangerProbes: Int
        public var noFaceEnroll: Int
        public var noFaceKnownProbe: Int
        public var noFaceStrangerProbe: Int
        public var closedSetTop1: Double
        /// The threshold giving FPIR ≤ 1% (the largest stranger distance at the 1% rank) and TPIR there.
        public var thresholdAtFPIR1Percent: Double
        public var tpirAtFPIR1Percent: Double
        public var fpirAtFPIR1Percent: Double
        /// Known probes' (right worker?, distance) and strangers' nearest distances, for other thresholds.
        public var known: [(correct: Bool, distance: Float)]
        public var strangers: [Float]

        /// TPIR and FPIR when a match needs distance < `threshold` and a gap ≥ `margin` to the runner-up.
        public func rates(threshold: Float) -> (tpir: Double, fpir: Double) {
            let tp = known.filter { $0.correct && $0.distance < threshold }.count
            let fp = strangers.filter { $0 < threshold }.count
            return (Double(tp) / Double(max(known.count, 1)), Double(fp) / Double(max(strangers.count, 1)))
        }
    }

    /// Runs the protocol with K enrollment images per enrolled person.
    public static func evaluate(people: [Person], enroll k: Int, modelID: String,
                                dimension: Int) throws(RecognitionError) -> Result {
        // Person i is worker i + 1 (the policy is irrelevant: the protocol reads ranked distances).
        var gallery = try Gallery(modelID: modelID, dimension: dimension, policy: .defaults(for: .dlib))
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
        func nearest(_ e: [Float]?) throws(RecognitionError) -> (WorkerID?, Float) {
            guard let e, let best = try gallery.ranked(e).first else { return (nil, .infinity) }
            return (best.id, best.distance)
        }
        var known = [(correct: Bool, distance: Float)]()
        for probe in knownProbes {
            let (id, d) = try nearest(probe.embedding)
            known.append((id == probe.id, d))
        }
        var strangers = [Float]()
        for probe in strangerProbes { strangers.append(try nearest(probe).1) }
        let top1 = Double(known.filter(\.correct).count) / Double(max(known.count, 1))
        let finite = strangers.filter(\.isFinite).sorted()
        let rank = max(0, Int((0.01 * Double(strangers.count)).rounded(.down)) - 1)
        let t1 = finite.isEmpty ? 0.6 : Double(finite[min(rank, finite.count - 1)])
        var result = Result(enrolled: gallery.workers.count, knownProbes: known.count, strangerProbes: strangers.count,
                            noFaceEnroll: noFaceEnroll, noFaceKnownProbe: noFaceKnown, noFaceStrangerProbe: noFaceStranger,
                            closedSetTop1: top1, thresholdAtFPIR1Percent: t1, tpirAtFPIR1Percent: 0,
                            fpirAtFPIR1Percent: 0, known: known, strangers: strangers)
        let at1 = result.rates(threshold: Float(t1))
        result.tpirAtFPIR1Percent = at1.tpir
        result.fpirAtFPIR1Percent = at1.fpir
        return result
    }
}
