// The match decision: one rule, one implementation, for the cloud and for edge-matching agents.
import RollcallCore

/// When a probe embedding is accepted as a worker. The decision is taken in these steps, each with its own
/// refusal reason (`MatchDecision.Reason`):
///
/// 1. the gallery holds nobody → `emptyGallery`;
/// 2. the nearest worker's centroid is not strictly closer than `threshold` → `tooFar`;
/// 3. the second-nearest worker is less than `margin` farther than the nearest, or the nearest distance is not
///    strictly below `ratio` times the second-nearest → `ambiguous`;
/// 4. one of the nearest worker's negative examples ("not this worker") is nearer to the probe than that
///    worker's nearest enrollment embedding → `notThisWorker`;
/// 5. otherwise the nearest worker is `accepted`.
///
/// The ratio test is the open-set rule that holds as the gallery grows: the distance to the nearest worker is
/// judged against the distance to the nearest *other* worker — the gallery itself is the cohort the score is
/// normalised by, so nothing beyond the enrolled workers is needed (or shipped). A stranger's nearest
/// workers crowd together as the gallery grows (their ratio tends to 1), an enrolled worker's own centroid
/// stays apart from the rest. With one worker there is no second distance, and the threshold alone decides.
/// Measured (docs/performance.md, "Open-set decisions"): with 0.47 and 0.86, 1.3% of strangers are accepted by
/// a 2,875-person LFW-a gallery enrolled from one photo each (15.5% with the threshold alone) and 0.4% by the
/// 13-person celeba-dev gallery, whose workers are accepted as before (96.4%).
///
/// Equal distances rank the lower worker id first, so the outcome never depends on enrollment order. Later
/// rules (a threshold per worker, …) add steps here and reasons there; callers keep calling `decide(_:in:)`.
public struct MatchPolicy: Sendable, Equatable, Codable {
    /// A probe is a worker only when its distance to that worker's centroid is below this.
    public var threshold: Float
    /// Smallest accepted gap between the nearest and the second-nearest worker (0: no gap needed).
    public var margin: Float
    /// The nearest worker's distance must be below this fraction of the second-nearest's (1: no ratio test).
    public var ratio: Float

    public init(threshold: Float, margin: Float, ratio: Float = 1) {
        self.threshold = threshold
        self.margin = margin
        self.ratio = ratio
    }

    enum CodingKeys: String, CodingKey {
        case threshold, margin, ratio
    }

    /// Decodes a policy; one written before the ratio test existed has none (ratio 1).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        threshold = try c.decode(Float.self, forKey: .threshold)
        margin = try c.decode(Float.self, forKey: .margin)
        ratio = try c.decodeIfPresent(Float.self, forKey: .ratio) ?? 1
    }

    /// Calibrated defaults per backbone (see docs/performance.md, "Identity").
    ///
    /// dlib (mirror-averaged embeddings): 0.47 accepts 0.8% of strangers on celeba-dev (dlib's customary
    /// 0.6 accepts 53% of them) and 96.4% of enrolled workers' probes as the right worker; margin 0; ratio
    /// 0.86 keeps strangers at 1.3% in a 2,875-person gallery (LFW-a, one photo each) and 0.4% on celeba-dev.
    /// vgg16: ImageNet features are not face-specific; the value is a placeholder until calibrated with the
    /// weights a user installs.
    public static func defaults(for backbone: Backbone) -> MatchPolicy {
        switch backbone {
        case .dlib: MatchPolicy(threshold: 0.47, margin: 0, ratio: 0.86)
        case .vgg16: MatchPolicy(threshold: 0.5, margin: 0, ratio: 1)
        }
    }

    /// Throws unless the threshold is finite and positive, the margin finite and not negative, and the ratio in
    /// (0, 1].
    public func validate() throws(RecognitionError) {
        guard threshold.isFinite, threshold > 0 else {
            throw RecognitionError(.invalidInput, detail: "match threshold \(threshold) must be finite and positive")
        }
        guard margin.isFinite, margin >= 0 else {
            throw RecognitionError(.invalidInput, detail: "match margin \(margin) must be finite and not negative")
        }
        guard ratio.isFinite, ratio > 0, ratio <= 1 else {
            throw RecognitionError(.invalidInput, detail: "match ratio \(ratio) must be in (0, 1]")
        }
    }

    /// The decision for `probe` against `gallery`'s centroids. Throws for a probe the gallery cannot compare
    /// (wrong length, non-finite values).
    public func decide(_ probe: [Float], in gallery: Gallery) throws(RecognitionError) -> MatchDecision {
        try gallery.validate(probe)
        // One pass for the nearest two (a full ranking is not needed to decide).
        var best: Gallery.Candidate?, second: Gallery.Candidate?
        for worker in gallery.workers {
            let candidate = Gallery.Candidate(id: worker.id, distance: euclideanDistance(worker.centroid, probe))
            if let b = best, !Self.ranksBefore(candidate, b) {
                if let s = second, !Self.ranksBefore(candidate, s) { continue }
                second = candidate
            } else {
                second = best
                best = candidate
            }
        }
        guard let best else { return MatchDecision(reason: .emptyGallery, nearest: nil, distance: nil, margin: nil) }
        let gap = second.map { $0.distance - best.distance }
        guard best.distance < threshold else {
            return MatchDecision(reason: .tooFar, nearest: best.id, distance: best.distance, margin: gap)
        }
        if let gap, gap < margin {
            return MatchDecision(reason: .ambiguous, nearest: best.id, distance: best.distance, margin: gap)
        }
        if let second, ratio < 1, !(best.distance < ratio * second.distance) {
            return MatchDecision(reason: .ambiguous, nearest: best.id, distance: best.distance, margin: gap)
        }
        if let worker = gallery.worker(best.id), Self.refusedByNegatives(probe, worker) {
            return MatchDecision(reason: .notThisWorker, nearest: best.id, distance: best.distance, margin: gap)
        }
        return MatchDecision(reason: .accepted, nearest: best.id, distance: best.distance, margin: gap)
    }

    /// How far inside the policy a probe with nearest distance `nearest` and second-nearest `second` lies, as one
    /// number: below 1 exactly when the threshold and ratio tests accept it (the margin aside). What evaluations
    /// sweep to trade accepted strangers against accepted workers along this policy's rule.
    public func score(nearest: Float, second: Float?) -> Float {
        let byThreshold = nearest / threshold
        guard let second, ratio < 1, second > 0 else { return byThreshold }
        return max(byThreshold, nearest / (ratio * second))
    }

    /// Whether a negative example of `worker` is strictly nearer to `probe` than the worker's nearest
    /// enrollment embedding (measured on celeba-dev and LFW-a: docs/performance.md, "Not this worker").
    static func refusedByNegatives(_ probe: [Float], _ worker: GalleryWorker) -> Bool {
        guard !worker.negatives.isEmpty else { return false }
        var own = Float.infinity
        for e in worker.exemplars { own = min(own, euclideanDistance(e, probe)) }
        return worker.negatives.contains { euclideanDistance($0, probe) < own }
    }

    /// Nearer first; on equal distances the lower id.
    static func ranksBefore(_ a: Gallery.Candidate, _ b: Gallery.Candidate) -> Bool {
        a.distance < b.distance || (a.distance == b.distance && a.id < b.id)
    }
}
