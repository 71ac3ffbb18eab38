import FaceRecognition
import Foundation

/// LFW's View-2 pairs file (`pairs.txt`): a header "folds pairsPerHalf", then per fold `pairsPerHalf`
/// matched lines "name i j" and `pairsPerHalf` mismatched lines "name1 i name2 j".
public struct LFWPairs: Sendable {
    /// One pair of image paths (relative to the LFW root) and whether they show the same person.
    public struct Pair: Sendable, Equatable {
        public var first: String
        public var second: String
        public var same: Bool
    }

    public var folds: Int
    /// All pairs in file order; fold k is `pairs[k·foldSize ..< (k+1)·foldSize]`.
    public var pairs: [Pair]
    public var foldSize: Int { pairs.count / max(folds, 1) }

    /// Parses `text`; images are `images/<name>/<name>_<NNNN>.jpg`.
    public init(text: String) throws(RecognitionError) {
        var lines = text.split(whereSeparator: \.isNewline).map { $0.split(whereSeparator: \.isWhitespace) }
        guard let header = lines.first, header.count == 2, let folds = Int(header[0]), let half = Int(header[1]),
              folds > 1, half > 0 else {
            throw RecognitionError(.invalidInput, detail: "pairs file: first line must be '<folds> <pairs per half>'")
        }
        lines.removeFirst()
        guard lines.count == folds * half * 2 else {
            throw RecognitionError(.invalidInput, detail: "pairs file: \(lines.count) pairs, expected \(folds * half * 2)")
        }
        func path(_ name: Substring, _ index: Substring, line: Int) throws(RecognitionError) -> String {
            guard let i = Int(index), i > 0, i < 10000, !name.contains("/"), !name.hasPrefix(".") else {
                throw RecognitionError(.invalidInput, detail: "pairs file line \(line + 2): bad name or index")
            }
            let number = String(repeating: "0", count: max(0, 4 - String(i).count)) + String(i)
            return "images/\(name)/\(name)_\(number).jpg"
        }
        var pairs = [Pair]()
        for (n, f) in lines.enumerated() {
            switch f.count {
            case 3: pairs.append(Pair(first: try path(f[0], f[1], line: n), second: try path(f[0], f[2], line: n), same: true))
            case 4: pairs.append(Pair(first: try path(f[0], f[1], line: n), second: try path(f[2], f[3], line: n), same: false))
            default: throw RecognitionError(.invalidInput, detail: "pairs file line \(n + 2): \(f.count) fields")
            }
        }
        self.folds = folds
        self.pairs = pairs
    }
}

/// 10-fold verification accuracy: for each fold, the threshold that maximises accuracy on the other folds
/// (the smallest such among the distances seen there; a pair is "same" when its distance is below it) is
/// applied to that fold.
public enum VerificationProtocol {
    /// Result of a k-fold evaluation.
    public struct Result: Sendable, Equatable {
        public var foldAccuracies: [Double]
        public var foldThresholds: [Double]
        public var mean: Double { foldAccuracies.reduce(0, +) / Double(max(foldAccuracies.count, 1)) }
        /// Population standard deviation (numpy's default).
        public var standardDeviation: Double {
            let m = mean
            let v = foldAccuracies.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(foldAccuracies.count, 1))
            return v.squareRoot()
        }
    }

    /// Accuracy of `distance < threshold` predicting `same`.
    public static func accuracy(distances: [Double], same: [Bool], threshold: Double) -> Double {
        guard !distances.isEmpty else { return 0 }
        let right = zip(distances, same).filter { ($0.0 < threshold) == $0.1 }.count
        return Double(right) / Double(distances.count)
    }

    /// The best threshold on (distances, same): among the distinct distances, the smallest that maximises
    /// accuracy of `distance < t`.
    public static func bestThreshold(distances: [Double], same: [Bool]) -> Double {
        let order = distances.indices.sorted { distances[$0] < distances[$1] }
        // With t just above nothing (t = smallest), every pair is "different": correct = number of different.
        var correct = same.filter { !$0 }.count
        var best = correct, bestT = order.first.map { distances[$0] } ?? 0
        var i = 0
        while i < order.count {
            let t = distances[order[i]]
            // Pairs with distance < t are "same": move every pair with distance == t after evaluating t.
            if correct > best { best = correct; bestT = t }
            var j = i
            while j < order.count, distances[order[j]] == t {
                correct += same[order[j]] ? 1 : -1
                j += 1
            }
            i = j
        }
        return bestT
    }

    /// k-fold evaluation of contiguous folds of `foldSize` pairs.
    public static func evaluate(distances: [Double], same: [Bool], folds: Int) -> Result {
        let size = distances.count / max(folds, 1)
        var accuracies = [Double](), thresholds = [Double]()
        for k in 0 ..< folds {
            let test = k * size ..< (k + 1) * size
            var trainD = [Double](), trainS = [Bool]()
            for i in distances.indices where !test.contains(i) {
                trainD.append(distances[i])
                trainS.append(same[i])
            }
            let t = bestThreshold(distances: trainD, same: trainS)
            thresholds.append(t)
            accuracies.append(accuracy(distances: Array(distances[test]), same: Array(same[test]), threshold: t))
        }
        return Result(foldAccuracies: accuracies, foldThresholds: thresholds)
    }
}
