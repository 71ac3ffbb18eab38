import Emotion
import Foundation

/// The original design's emotion method: one centroid per class over a feature extractor's vectors (VGG16
/// fc7, L2-normalised), a face taking the class of the nearest centroid (Euclidean distance between
/// L2-normalised vectors).
///
/// Built by `rollcall emotion centroids --root DIR` from a folder of labeled examples and stored as JSON. The
/// file names the images it was built from, so an evaluation on the same folder can leave them out.
public struct EmotionCentroids: Sendable, Codable, Equatable {
    /// File format version (1).
    public var format: Int
    /// What the vectors are, e.g. `vgg16-fc7-l2`.
    public var feature: String
    /// Where the feature extractor's weights came from (file name, or `hash-reference`).
    public var weights: String
    /// Vector length.
    public var dimension: Int
    /// Class name → centroid (unit length); only classes with examples appear.
    public var centroids: [String: [Float]]
    /// Class name → number of examples averaged.
    public var counts: [String: Int]
    /// Relative paths (`<folder>/<file>`) of the examples used.
    public var images: [String]

    /// Builds centroids from labeled vectors (each is L2-normalised before averaging).
    public init(feature: String, weights: String, examples: [(label: EmotionLabel, vector: [Float], image: String)]) throws(EmotionError) {
        guard let dimension = examples.first?.vector.count, dimension > 0 else {
            throw EmotionError(.badCentroids, detail: "no examples")
        }
        var sums: [EmotionLabel: [Float]] = [:]
        var counts: [String: Int] = [:]
        for example in examples {
            guard example.vector.count == dimension, example.vector.allSatisfy(\.isFinite) else {
                throw EmotionError(.badCentroids, detail: "vector of \(example.image) has the wrong length or is not finite")
            }
            let unit = Self.normalised(example.vector)
            var sum = sums[example.label] ?? [Float](repeating: 0, count: dimension)
            for i in 0 ..< dimension { sum[i] += unit[i] }
            sums[example.label] = sum
            counts[example.label.name, default: 0] += 1
        }
        format = 1
        self.feature = feature
        self.weights = weights
        self.dimension = dimension
        centroids = Dictionary(uniqueKeysWithValues: sums.map { ($0.key.name, Self.normalised($0.value)) })
        self.counts = counts
        images = examples.map(\.image)
    }

    /// Reads and validates a centroid file.
    public init(contentsOf path: String) throws(EmotionError) {
        let decoded: EmotionCentroids
        do {
            decoded = try JSONDecoder().decode(EmotionCentroids.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw EmotionError(.badCentroids, detail: "cannot read: \(error)", path: path)
        }
        guard decoded.format == 1 else {
            throw EmotionError(.badCentroids, detail: "format \(decoded.format) is not supported", path: path)
        }
        guard !decoded.centroids.isEmpty, decoded.dimension > 0 else {
            throw EmotionError(.badCentroids, detail: "no centroids", path: path)
        }
        for (name, centroid) in decoded.centroids {
            guard EmotionLabel(folderName: name) != nil, centroid.count == decoded.dimension, centroid.allSatisfy(\.isFinite) else {
                throw EmotionError(.badCentroids, detail: "centroid '\(name)' is unknown, of the wrong length or not finite", path: path)
            }
        }
        self = decoded
    }

    /// Writes the file (pretty, sorted keys).
    public func write(to path: String) throws(EmotionError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw EmotionError(.io, detail: "cannot write: \(error.localizedDescription)", path: path)
        }
    }

    /// The class of the nearest centroid to `vector`; throws for a vector of the wrong length or with NaNs.
    public func classify(_ vector: [Float]) throws(EmotionError) -> EmotionLabel {
        guard vector.count == dimension, vector.allSatisfy(\.isFinite) else {
            throw EmotionError(.badCentroids, detail: "vector has \(vector.count) values, centroids \(dimension)")
        }
        let unit = Self.normalised(vector)
        var best: (EmotionLabel, Float)?
        for label in EmotionLabel.allCases {
            guard let centroid = centroids[label.name] else { continue }
            var distance: Float = 0
            for i in 0 ..< dimension { distance += (unit[i] - centroid[i]) * (unit[i] - centroid[i]) }
            if best.map({ distance < $0.1 }) ?? true { best = (label, distance) }
        }
        guard let best else { throw EmotionError(.badCentroids, detail: "no centroids") }
        return best.0
    }

    static func normalised(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}
