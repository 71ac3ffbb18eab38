// One crop's step on its track's shared state: track fusion (FaceRecognition's `TrackEvidence`, with
// `TrackFusion`'s limits) and emotion smoothing (`TrackEmotion`). A pure function of the stored state, so any
// aggregator holding the track's lock takes the same step.
import Emotion
import FaceRecognition
import Foundation

/// Folds one crop into its track's stored state and decides the track again.
struct TrackStep: Sendable {
    /// A track idle longer than this (in its frames' time) starts afresh.
    let idleTimeout: TimeInterval
    /// Most crops fused per track (the best by quality stay).
    let maxCropsPerTrack: Int
    let emotions: TrackEmotion

    /// TrackFusion's limits and the configured emotion smoothing.
    init(emotionSmoothing alpha: Double, emotionUncertainBelow: Double) {
        let fusion = TrackFusion<TrackKey>()
        idleTimeout = fusion.idleTimeout
        maxCropsPerTrack = fusion.maxCropsPerTrack
        emotions = TrackEmotion(alpha: alpha, uncertainBelow: emotionUncertainBelow)
    }

    /// The track after one crop.
    struct Outcome: Sendable {
        var state: TrackState
        /// The track's decision now.
        var match: MatchDecision
        /// The track's decision before this crop (nil: its first crop, or it had gone idle).
        var previous: MatchDecision?
        /// The track's smoothed emotion after this crop (nil: none estimated for it).
        var emotion: TrackEmotion.Reading?

        /// Whether the identity (worker or unknown) changed with this crop.
        var revised: Bool { previous != nil && previous?.workerID != match.workerID }
    }

    /// Adds the crop's embedding (weighted by `quality`) and its emotion estimate to `stored` (nil: a new track)
    /// and decides the fused embedding against `gallery`. Throws, for an embedding the gallery cannot compare.
    func apply(_ stored: TrackState?, embedding: [Float], quality: Double, emotion: EmotionEstimate?, at time: Date,
               gallery: Gallery) throws(RecognitionError) -> Outcome {
        try gallery.validate(embedding)
        let current = stored.flatMap { time.timeIntervalSince($0.lastSeen) > idleTimeout ? nil : $0 }
        // The stored samples replayed in their order (their weights are already ≥ 0.001): the same evidence.
        var evidence = TrackEvidence(lastSeen: current?.lastSeen ?? time)
        for sample in current?.samples ?? [] {
            evidence.add(embedding: sample.embedding, quality: sample.weight, at: evidence.lastSeen,
                         capacity: maxCropsPerTrack)
        }
        evidence.add(embedding: embedding, quality: quality, at: time, capacity: maxCropsPerTrack)
        let match = try evidence.decide(against: gallery)
        let smoothed = emotion.map { emotions.add($0, to: current?.emotion) }
        let state = TrackState(lastSeen: evidence.lastSeen,
                               samples: evidence.samples.map { TrackState.Sample(embedding: $0.embedding, weight: $0.weight) },
                               decision: match, emotion: smoothed?.1 ?? current?.emotion,
                               crops: (current?.crops ?? 0) + 1)
        return Outcome(state: state, match: match, previous: current?.decision, emotion: smoothed?.0)
    }
}
