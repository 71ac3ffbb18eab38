/// The one door between a site's faces and the emotion model: it runs the model only where the site's
/// `EmotionPolicy` allows it, and keeps each track's smoothed result.
///
/// When the site is off, `estimate` returns nil without calling the model, and nothing about emotion exists
/// for that face to store, send or show.
public struct EmotionGate<TrackID: Hashable & Sendable>: Sendable {
    /// The policy in force.
    public let policy: EmotionPolicy
    private var smoother: EmotionSmoother<TrackID>
    /// How many faces the policy kept from the model (sites switched off).
    public private(set) var skippedByPolicy = 0

    /// A gate applying `policy`.
    public init(policy: EmotionPolicy) {
        self.policy = policy
        smoother = EmotionSmoother(configuration: EmotionSmoother<TrackID>.Configuration(
            alpha: policy.smoothing.alpha, uncertainBelow: policy.smoothing.uncertainBelow,
            maxTracks: policy.smoothing.maxTracks))
    }

    /// Runs `model` for a face of `track` at `site` if the policy allows it and returns the track's smoothed
    /// result; returns nil (and does not call `model`) when emotion is off for `site`.
    public mutating func estimate(site: String, track: TrackID,
                                  model: () throws -> EmotionEstimate) rethrows -> EmotionSmoother<TrackID>.Result? {
        guard policy.isEnabled(site: site) else {
            skippedByPolicy += 1
            return nil
        }
        return smoother.update(track: track, with: try model())
    }

    /// Forgets a finished track.
    public mutating func end(track: TrackID) {
        smoother.end(track: track)
    }
}
