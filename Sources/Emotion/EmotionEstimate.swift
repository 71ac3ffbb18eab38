/// The model's probabilities for one face, in `EmotionLabel` order.
public struct EmotionEstimate: Sendable, Equatable {
    /// Seven probabilities summing to 1, indexed by `EmotionLabel.rawValue`.
    public let probabilities: [Float]

    /// Wraps seven probabilities (clamped to [0, 1]; a wrong count or a NaN becomes a uniform vector, so a
    /// damaged estimate can never look confident).
    public init(probabilities: [Float]) {
        if probabilities.count == EmotionLabel.allCases.count, probabilities.allSatisfy({ $0.isFinite }) {
            self.probabilities = probabilities.map { min(max($0, 0), 1) }
        } else {
            self.probabilities = [Float](repeating: 1 / Float(EmotionLabel.allCases.count), count: EmotionLabel.allCases.count)
        }
    }

    /// The most probable class (the first one on a tie).
    public var top: EmotionLabel {
        var best = 0
        for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
        return EmotionLabel(rawValue: best) ?? .neutral
    }

    /// The top class's probability.
    public var topProbability: Float { probabilities[top.rawValue] }

    /// The probability of `label`.
    public subscript(label: EmotionLabel) -> Float { probabilities[label.rawValue] }
}
