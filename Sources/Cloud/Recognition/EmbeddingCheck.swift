// The checks a privacy-mode embedding passes before it is matched: the cloud's backbone, its length, sane values.

/// Decides whether an agent's embedding can be matched against a gallery of `modelID` embeddings of
/// `dimension` values. Pure; the aggregator counts and reports refusals.
public struct EmbeddingCheck: Sendable, Equatable {
    /// Why an embedding was refused; the raw value is the metrics label.
    public enum Reason: String, Sendable {
        /// Another backbone's embedding: distances to this gallery would mean nothing.
        case model
        /// Not the backbone's length.
        case dimension
        /// A value that is not finite or out of range, or an all-zero vector.
        case values
    }

    /// A refusal with its reason and a description.
    public struct Refusal: Sendable, Equatable {
        public var reason: Reason
        public var detail: String
    }

    /// The backbone the gallery's embeddings come from (`Backbone.modelID`).
    public var modelID: String
    /// Its embedding length.
    public var dimension: Int
    /// Largest magnitude accepted (dlib's values are within ±1; far larger ones would only overflow distances).
    public var maxMagnitude: Float = 1_000

    public init(modelID: String, dimension: Int) {
        self.modelID = modelID
        self.dimension = dimension
    }

    /// Nil when the embedding can be matched, otherwise why not.
    public func refusal(modelID other: String, values: [Float]) -> Refusal? {
        guard other == modelID else {
            return Refusal(reason: .model, detail: "embedding of \(other.prefix(64)), the gallery holds \(modelID)")
        }
        guard values.count == dimension else {
            return Refusal(reason: .dimension, detail: "\(values.count) values, \(modelID) embeddings have \(dimension)")
        }
        if let index = values.firstIndex(where: { !$0.isFinite || abs($0) > maxMagnitude }) {
            return Refusal(reason: .values,
                           detail: "value \(index) is \(values[index]), not finite or beyond ±\(maxMagnitude)")
        }
        guard values.contains(where: { $0 != 0 }) else {
            return Refusal(reason: .values, detail: "all values are zero")
        }
        return nil
    }
}
