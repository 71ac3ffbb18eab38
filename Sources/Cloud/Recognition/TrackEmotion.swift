// Per-track emotion: each crop's estimate folded into its track's moving average (Emotion's `EmotionSmoother`),
// so a track reads one steady label instead of one flickering label per crop.
import Emotion

/// The aggregator's emotion smoothing, keyed like track fusion. Bounded: it holds at most `maxTracks` tracks
/// (least recently updated dropped first), and the aggregator drops a track here whenever track fusion
/// expires it, so idle tracks go after the same timeout.
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

    /// The label of a track whose smoothed top probability is below the configured level.
    public static let uncertain = "uncertain"

    private var smoother: EmotionSmoother<TrackKey>

    /// `alpha` is the newest crop's weight (1: no smoothing); below `uncertainBelow` a track reads
    /// "uncertain".
    public init(alpha: Double, uncertainBelow: Double, maxTracks: Int) {
        smoother = EmotionSmoother(configuration: .init(alpha: Float(alpha), uncertainBelow: Float(uncertainBelow),
                                                        maxTracks: maxTracks))
    }

    /// Tracks held.
    public var count: Int { smoother.trackCount }

    /// Folds one crop's estimate into its track and returns what the track now shows.
    public mutating func add(_ key: TrackKey, _ estimate: EmotionEstimate) -> Reading {
        let result = smoother.update(track: key, with: estimate)
        return Reading(label: result.label?.name ?? Self.uncertain, score: Double(result.smoothed.topProbability),
                       samples: result.samples)
    }

    /// Forgets tracks (expired by track fusion, or their identity was reset).
    public mutating func forget(_ keys: [TrackKey]) {
        for key in keys { smoother.end(track: key) }
    }

    /// Forgets every track.
    public mutating func reset() {
        smoother = EmotionSmoother(configuration: smoother.configuration)
    }
}
