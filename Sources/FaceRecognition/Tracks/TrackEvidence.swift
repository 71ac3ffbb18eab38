// One track's evidence: the embeddings of its best crops with their weights, and its latest decision.
import Foundation

/// What a track has shown so far. A plain Codable value, so a track's state can live in memory
/// (`TrackFusion`) or be stored per track and decided again later.
public struct TrackEvidence: Sendable, Equatable, Codable {
    /// One crop's contribution.
    public struct Sample: Sendable, Equatable, Codable {
        public var embedding: [Float]
        /// The crop's quality (0.001…): how much it counts in the fused embedding.
        public var weight: Double
    }

    /// The best crops by weight (at most the capacity passed to `add`).
    public private(set) var samples: [Sample] = []
    /// The latest decision, nil before the first.
    public private(set) var decision: MatchDecision?
    /// When the track was last seen.
    public var lastSeen: Date

    public init(lastSeen: Date) {
        self.lastSeen = lastSeen
    }

    /// Adds one crop's embedding weighted by `quality` (at least 0.001, so no crop is ignored entirely), keeping
    /// the `capacity` best by weight.
    public mutating func add(embedding: [Float], quality: Double, at time: Date, capacity: Int) {
        samples.append(Sample(embedding: embedding, weight: max(0.001, quality.isFinite ? quality : 0)))
        if samples.count > max(1, capacity) {
            samples.sort { $0.weight > $1.weight }
            samples.removeLast(samples.count - max(1, capacity))
        }
        lastSeen = max(lastSeen, time)
    }

    /// The weighted mean of the samples' embeddings; nil before the first sample.
    public var fused: [Float]? {
        GalleryWorker.mean(samples.map(\.embedding), weights: samples.map(\.weight))
    }

    /// Decides the fused embedding against `gallery` under its policy and records the decision. Throws for a
    /// track without crops or with embeddings the gallery cannot compare.
    @discardableResult
    public mutating func decide(against gallery: Gallery) throws(RecognitionError) -> MatchDecision {
        guard let fused else {
            throw RecognitionError(.invalidEmbedding, detail: "a track without crops cannot be decided")
        }
        let match = try gallery.decide(fused)
        decision = match
        return match
    }
}
