// Which crops of a track get published: the first good one, then an improved one at most every T seconds, and
// the best unpublished one when the track ends. A pure state machine over (track, quality, time) that returns
// what to publish; the pipeline cuts and encodes only what it is told to.

/// Why a crop is published.
public enum CropReason: String, Sendable, Codable {
    /// The track's first crop that passed the quality gate.
    case first
    /// Better than every crop published for the track so far, and the interval has passed.
    case improved
    /// The best crop the track had that was not published yet, sent when the track ended.
    case final
}

/// A crop the selector decided to publish, carrying the caller's candidate (e.g. the cut-out pixels).
public struct CropDecision<Candidate: Sendable>: Sendable {
    public var trackID: UInt64
    public var reason: CropReason
    public var quality: Float
    public var time: Double
    public var candidate: Candidate
}

/// Per-track crop publication policy.
public struct CropSelector<Candidate: Sendable>: Sendable {
    /// Publication thresholds.
    public struct Policy: Sendable, Equatable {
        /// A track's first crop is published once a crop reaches this quality.
        public var minQuality: Float
        /// Seconds that must pass between two published crops of one track (after the first).
        public var improveInterval: Double
        /// How much better than the best published crop an improvement must be.
        public var minImprovement: Float

        public init(minQuality: Float, improveInterval: Double, minImprovement: Float) {
            self.minQuality = minQuality
            self.improveInterval = improveInterval
            self.minImprovement = minImprovement
        }
    }

    struct TrackState: Sendable {
        var bestPublished: Float?
        var lastPublishTime: Double = 0
        /// Best crop seen since the last publication and better than everything published.
        var pending: (quality: Float, time: Double, candidate: Candidate)?
    }

    public let policy: Policy
    private var states: [UInt64: TrackState] = [:]

    public init(policy: Policy) {
        self.policy = policy
    }

    /// Number of tracks the selector holds state for.
    public var trackCount: Int { states.count }

    /// Whether a crop of this quality could change anything; lets the caller skip cutting a crop that would be
    /// thrown away.
    public func wants(trackID: UInt64, quality: Float) -> Bool {
        guard let state = states[trackID] else { return true }
        if let pending = state.pending, pending.quality >= quality { return false }
        if let best = state.bestPublished { return quality >= best + policy.minImprovement }
        return true
    }

    /// Offers one crop of a track observed at `time` (seconds, any monotonic origin). Returns the crop to publish
    /// now, if any. `candidate` is evaluated only when the crop is kept.
    public mutating func offer(trackID: UInt64, quality: Float, time: Double,
                               candidate: () throws -> Candidate) rethrows -> CropDecision<Candidate>? {
        var state = states[trackID] ?? TrackState()
        defer { states[trackID] = state }
        guard let best = state.bestPublished else {
            if quality >= policy.minQuality {
                let crop = try candidate()
                state.bestPublished = quality
                state.lastPublishTime = time
                state.pending = nil
                return CropDecision(trackID: trackID, reason: .first, quality: quality, time: time, candidate: crop)
            }
            if quality > state.pending?.quality ?? -1 { state.pending = (quality, time, try candidate()) }
            return nil
        }
        guard quality >= best + policy.minImprovement else { return nil }
        if time - state.lastPublishTime >= policy.improveInterval {
            let chosen: (quality: Float, time: Double, candidate: Candidate)
            if let pending = state.pending, pending.quality > quality {
                chosen = pending
            } else {
                chosen = (quality, time, try candidate())
            }
            state.bestPublished = chosen.quality
            state.lastPublishTime = time
            state.pending = nil
            return CropDecision(trackID: trackID, reason: .improved, quality: chosen.quality, time: chosen.time,
                                candidate: chosen.candidate)
        }
        if quality > state.pending?.quality ?? -1 { state.pending = (quality, time, try candidate()) }
        return nil
    }

    /// The track ended: returns its best unpublished crop if it beats what was published (or nothing was).
    ///
    /// A track that never reached `minQuality` publishes nothing: the gate holds at the end too.
    public mutating func end(trackID: UInt64) -> CropDecision<Candidate>? {
        guard let state = states.removeValue(forKey: trackID), let pending = state.pending,
              let best = state.bestPublished, pending.quality > best
        else { return nil }
        return CropDecision(trackID: trackID, reason: .final, quality: pending.quality, time: pending.time,
                            candidate: pending.candidate)
    }
}
