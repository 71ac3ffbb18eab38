/// The model's probabilities for one face, in `EmotionLabel` order: the one emotion estimate type, from the
/// classifier through track smoothing to the cloud's API (where it reads `{"label", "score"}`).
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

    /// An estimate that knows only its top class and that class's probability: the rest is spread evenly over
    /// the other six classes (what a label and a score alone say).
    public init(label: EmotionLabel, probability: Float) {
        let classes = EmotionLabel.allCases.count
        let p = probability.isFinite ? min(max(probability, 0), 1) : 1 / Float(classes)
        var probabilities = [Float](repeating: (1 - p) / Float(classes - 1), count: classes)
        probabilities[label.rawValue] = p
        self.init(probabilities: probabilities)
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

extension EmotionEstimate: Codable {
    private enum CodingKeys: String, CodingKey {
        case label, score
    }

    /// `{"label": top class name, "score": its probability}`, as the HTTP API shows an estimate.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(top.name, forKey: .label)
        try container.encode(Double(topProbability), forKey: .score)
    }

    /// Reads `{"label", "score"}` back (the other classes spread evenly); an unknown label is a decoding error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .label)
        guard let label = EmotionLabel.allCases.first(where: { $0.name == name }) else {
            throw DecodingError.dataCorruptedError(forKey: .label, in: container,
                                                   debugDescription: "\(name) is not one of the seven FER classes")
        }
        self.init(label: label, probability: Float(try container.decode(Double.self, forKey: .score)))
    }
}
