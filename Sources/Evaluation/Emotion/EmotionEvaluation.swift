import Emotion
import Foundation

/// Accuracy of an emotion method on a labeled dataset: a 7×7 confusion matrix (rows = true class, columns =
/// predicted, `EmotionLabel` order) and what could not be scored.
public struct EmotionEvaluation: Sendable {
    /// confusion[true][predicted].
    public private(set) var confusion = [[Int]](repeating: [Int](repeating: 0, count: 7), count: 7)
    /// Images that could not be decoded or classified: relative path → reason.
    public private(set) var failures: [(path: String, reason: String)] = []
    /// Dataset folders skipped for naming no known class.
    public var skipped: [String]

    /// An empty evaluation.
    public init(skipped: [String] = []) {
        self.skipped = skipped
    }

    /// Counts one scored image.
    public mutating func record(truth: EmotionLabel, predicted: EmotionLabel) {
        confusion[truth.rawValue][predicted.rawValue] += 1
    }

    /// Counts one image that could not be scored.
    public mutating func recordFailure(path: String, reason: String) {
        failures.append((path, reason))
    }

    /// Scored images.
    public var scored: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Images whose top class is the true one.
    public var correct: Int { (0 ..< 7).reduce(0) { $0 + confusion[$1][$1] } }

    /// Share of all images (scored or failed: a failure counts as a miss) whose top class is the true one.
    public var accuracy: Double {
        let total = scored + failures.count
        return total > 0 ? Double(correct) / Double(total) : 0
    }

    /// Share of the scored images whose top class is the true one (failures left out).
    public var accuracyOfScored: Double {
        scored > 0 ? Double(correct) / Double(scored) : 0
    }

    /// Recall of each class (nil for a class with no images).
    public var perClassRecall: [EmotionLabel: Double?] {
        var result: [EmotionLabel: Double?] = [:]
        for label in EmotionLabel.allCases {
            let row = confusion[label.rawValue]
            let total = row.reduce(0, +)
            result[label] = total > 0 ? Double(row[label.rawValue]) / Double(total) : nil
        }
        return result
    }

    /// The JSON document `rollcall eval emotion` prints: `accuracy`, `per_class_recall`, `confusion`, `skipped`,
    /// plus `images` (all, failures included), `scored`, `accuracy_of_scored`, `labels`, `failed` (count) and the
    /// first failures. `accuracy` counts a failure as a miss.
    public func jsonObject(method: String) -> [String: Any] {
        var recall: [String: Any] = [:]
        for (label, value) in perClassRecall { recall[label.name] = value.map { $0 as Any } ?? NSNull() }
        return [
            "method": method,
            "accuracy": accuracy,
            "per_class_recall": recall,
            "confusion": confusion,
            "labels": EmotionLabel.allCases.map(\.name),
            "skipped": skipped,
            "images": scored + failures.count,
            "scored": scored,
            "accuracy_of_scored": accuracyOfScored,
            "failed": failures.count,
            "failures": failures.prefix(20).map { ["path": $0.path, "reason": $0.reason] },
        ]
    }
}
