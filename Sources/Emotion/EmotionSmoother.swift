/// Per-track smoothing of emotion estimates: an exponential moving average of the probabilities over a
/// track's crops, reported as "uncertain" while the smoothed top probability is below a configured level.
///
/// A pure value type: feed it `(track, estimate)` pairs in arrival order; it holds at most `maxTracks`
/// tracks and forgets the least recently updated one beyond that (so a stream of new track ids cannot grow
/// it without bound).
public struct EmotionSmoother<TrackID: Hashable & Sendable>: Sendable {
    /// Tuning of the average and the uncertainty cut.
    public struct Configuration: Sendable, Equatable, Codable {
        /// Weight of the newest estimate, in (0, 1]; 1 means no smoothing.
        public var alpha: Float
        /// Below this smoothed top probability the result is `uncertain`.
        public var uncertainBelow: Float
        /// Tracks kept at most.
        public var maxTracks: Int

        /// A configuration; values are clamped into their valid ranges.
        public init(alpha: Float = 0.3, uncertainBelow: Float = 0.4, maxTracks: Int = 4096) {
            self.alpha = alpha.isFinite ? min(max(alpha, 0.01), 1) : 0.3
            self.uncertainBelow = uncertainBelow.isFinite ? min(max(uncertainBelow, 0), 1) : 0.4
            self.maxTracks = max(1, maxTracks)
        }

        enum CodingKeys: String, CodingKey {
            case alpha
            case uncertainBelow = "uncertain_below"
            case maxTracks = "max_tracks"
        }

        /// Decodes a configuration; absent keys take their defaults, values are clamped as in `init`.
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(alpha: try container.decodeIfPresent(Float.self, forKey: .alpha) ?? 0.3,
                      uncertainBelow: try container.decodeIfPresent(Float.self, forKey: .uncertainBelow) ?? 0.4,
                      maxTracks: try container.decodeIfPresent(Int.self, forKey: .maxTracks) ?? 4096)
        }
    }

    /// What a track shows after an update.
    public struct Result: Sendable, Equatable {
        /// The smoothed probabilities.
        public let smoothed: EmotionEstimate
        /// The smoothed top class, or nil when its probability is below the configured level ("uncertain").
        public let label: EmotionLabel?
        /// How many estimates this track has averaged.
        public let samples: Int

        /// Whether the result is "uncertain".
        public var isUncertain: Bool { label == nil }
    }

    private struct State: Sendable {
        var probabilities: [Float]
        var samples: Int
        var lastUpdate: UInt64
    }

    /// The configuration in use.
    public let configuration: Configuration
    private var tracks: [TrackID: State] = [:]
    private var clock: UInt64 = 0

    /// An empty smoother.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Number of tracks held.
    public var trackCount: Int { tracks.count }

    /// Folds `estimate` into `track`'s average and returns what the track now shows. The first estimate of a
    /// track is taken as is.
    public mutating func update(track: TrackID, with estimate: EmotionEstimate) -> Result {
        clock &+= 1
        var state: State
        if var existing = tracks[track] {
            let alpha = configuration.alpha
            for index in existing.probabilities.indices {
                existing.probabilities[index] = (1 - alpha) * existing.probabilities[index] + alpha * estimate.probabilities[index]
            }
            existing.samples += 1
            existing.lastUpdate = clock
            state = existing
        } else {
            state = State(probabilities: estimate.probabilities, samples: 1, lastUpdate: clock)
            if tracks.count >= configuration.maxTracks, let oldest = tracks.min(by: { $0.value.lastUpdate < $1.value.lastUpdate })?.key {
                tracks[oldest] = nil
            }
        }
        tracks[track] = state
        return result(of: state)
    }

    /// What `track` shows now, or nil if it is unknown.
    public func current(track: TrackID) -> Result? {
        tracks[track].map(result(of:))
    }

    /// Forgets a finished track.
    public mutating func end(track: TrackID) {
        tracks[track] = nil
    }

    private func result(of state: State) -> Result {
        let smoothed = EmotionEstimate(probabilities: state.probabilities)
        let label = smoothed.topProbability >= configuration.uncertainBelow ? smoothed.top : nil
        return Result(smoothed: smoothed, label: label, samples: state.samples)
    }
}
