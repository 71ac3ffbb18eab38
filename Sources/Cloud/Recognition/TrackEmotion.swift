// Per-track emotion: each crop's estimate folded into its track's moving average (Emotion's `EmotionSmoother`),
// so a track reads one steady label instead of one flickering label per crop. The average is a value kept with
// the track's shared state (`TrackState`), so every aggregator continues the same average.
import Emotion

/// The aggregator's emotion smoothing of one track at a time: `add` folds a crop's estimate into the track's
/// stored average and returns what the track now shows with the new average to store.
public struct TrackEmotion: Sendable {
    /// What a track shows after one crop.
    public struct Reading: Sendable, Equatable {
        /// The smoothed top class's name, or `TrackEmotion.uncertain`.
        public var label: String
        /// The smoothed probability of the top class (0…1), also when uncertain.
        public var score: Double
        /// Crops averaged so far.
        public var samples: Int
    }

    /// A track's average, as stored with the track.
    public struct Smoothed: Sendable, Equatable, Codable {
        /// The smoothed probabilities of the seven classes.
        public var probabilities: [Float]
        /// Crops averaged so far.
        public var samples: Int

        public init(probabilities: [Float], samples: Int) {
            self.probabilities = probabilities
            self.samples = samples
        }
    }

    /// The label of a track whose smoothed top probability is below the configured level.
    public static let uncertain = "uncertain"

    let configuration: EmotionSmoother<Int>.Configuration

    /// `alpha` is the newest crop's weight (1: no smoothing); below `uncertainBelow` a track reads
    /// "uncertain".
    public init(alpha: Double, uncertainBelow: Double) {
        configuration = .init(alpha: Float(alpha), uncertainBelow: Float(uncertainBelow), maxTracks: 1)
    }

    /// Folds one crop's estimate into a track's average (nil: the track's first estimate) and returns what the
    /// track now shows and the average to keep.
    public func add(_ estimate: EmotionEstimate, to smoothed: Smoothed?) -> (Reading, Smoothed) {
        // EmotionSmoother takes a track's first estimate as is: seeded with the stored average, its next update
        // is exactly the update a smoother that had held the track all along would make.
        // A stored average of another length (not this binary's classes) is no average: the track starts afresh.
        let previous = smoothed.flatMap { $0.probabilities.count == EmotionLabel.allCases.count ? $0 : nil }
        var smoother = EmotionSmoother<Int>(configuration: configuration)
        if let previous {
            _ = smoother.update(track: 0, with: EmotionEstimate(probabilities: previous.probabilities))
        }
        let result = smoother.update(track: 0, with: estimate)
        let samples = (previous?.samples ?? 0) + 1
        return (Reading(label: result.label?.name ?? Self.uncertain, score: Double(result.smoothed.topProbability),
                        samples: samples),
                Smoothed(probabilities: result.smoothed.probabilities, samples: samples))
    }
}
