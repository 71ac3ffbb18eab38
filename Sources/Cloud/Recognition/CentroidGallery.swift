// Nearest-centroid matching of embeddings against the enrolled workers.
import Foundation

/// The enrolled workers' centroids (mean enrollment embedding each) and the match rule.
public struct CentroidGallery: Sendable, Equatable {
    /// One worker's centroid.
    public struct Entry: Sendable, Equatable, Codable {
        public var workerID: Int64
        public var name: String
        public var centroid: [Float]
    }

    /// A match decision: the nearest worker when within the threshold, else unknown (nil).
    public struct Match: Sendable, Equatable {
        public var workerID: Int64?
        /// Distance to the nearest centroid (nil when the gallery is empty).
        public var distance: Double?
    }

    /// Entries sorted by worker id (deterministic snapshots).
    public private(set) var entries: [Entry]
    /// Largest Euclidean distance still counted as the same person.
    public var threshold: Double

    public init(entries: [Entry] = [], threshold: Double) {
        self.entries = entries.sorted { $0.workerID < $1.workerID }
        self.threshold = threshold
    }

    /// Centroids from each worker's enrollment embeddings.
    public init(embeddings: [Int64: [[Float]]], names: [Int64: String], threshold: Double) {
        var entries: [Entry] = []
        for (workerID, vectors) in embeddings {
            guard let centroid = Self.mean(vectors.map { ($0, 1.0) }) else { continue }
            entries.append(Entry(workerID: workerID, name: names[workerID] ?? "worker \(workerID)",
                                 centroid: centroid))
        }
        self.init(entries: entries, threshold: threshold)
    }

    /// The nearest centroid, matched when its distance is within the threshold.
    public func match(_ embedding: [Float]) -> Match {
        var best: (Int64, Double)?
        for entry in entries where entry.centroid.count == embedding.count {
            let distance = Self.distance(entry.centroid, embedding)
            if best == nil || distance < best!.1 { best = (entry.workerID, distance) }
        }
        guard let best else { return Match(workerID: nil, distance: nil) }
        return Match(workerID: best.1 <= threshold ? best.0 : nil, distance: best.1)
    }

    /// A worker's name, when enrolled.
    public func name(of workerID: Int64) -> String? {
        entries.first { $0.workerID == workerID }?.name
    }

    /// Euclidean distance.
    public static func distance(_ a: [Float], _ b: [Float]) -> Double {
        var sum: Double = 0
        for index in 0 ..< min(a.count, b.count) {
            let d = Double(a[index]) - Double(b[index])
            sum += d * d
        }
        return sum.squareRoot()
    }

    /// Weighted mean of equal-length vectors; nil when empty, mismatched or all weights are zero.
    public static func mean(_ weighted: [([Float], Double)]) -> [Float]? {
        guard let length = weighted.first?.0.count, length > 0,
              weighted.allSatisfy({ $0.0.count == length }) else { return nil }
        var sum = [Double](repeating: 0, count: length)
        var total = 0.0
        for (vector, weight) in weighted where weight > 0 {
            for index in 0 ..< length { sum[index] += Double(vector[index]) * weight }
            total += weight
        }
        guard total > 0 else { return nil }
        return sum.map { Float($0 / total) }
    }
}
