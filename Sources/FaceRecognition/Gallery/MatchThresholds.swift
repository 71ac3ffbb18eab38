/// When a probe embedding is accepted as a worker: its distance to the nearest worker must be below
/// `distance`, and the second-nearest worker must be at least `margin` farther away.
public struct MatchThresholds: Sendable, Equatable, Codable {
    /// Largest accepted distance to the nearest worker.
    public var distance: Float
    /// Smallest accepted gap between the nearest and the second-nearest worker.
    public var margin: Float

    public init(distance: Float, margin: Float) {
        self.distance = distance
        self.margin = margin
    }

    /// Calibrated defaults per backbone (see docs/performance.md, "Identity").
    ///
    /// dlib: 0.47 keeps strangers' false acceptances near 1% on celeba-dev (dlib's customary 0.6 accepts
    /// about 40% of them) while accepting ~94% of enrolled workers' probes; margin 0.
    /// vgg16: ImageNet features are not face-specific; the value is a placeholder until calibrated with the
    /// weights a user installs.
    public static func defaults(for backbone: Backbone) -> MatchThresholds {
        switch backbone {
        case .dlib: MatchThresholds(distance: 0.47, margin: 0)
        case .vgg16: MatchThresholds(distance: 0.5, margin: 0)
        }
    }
}
