import Emotion
import Evaluation
import Foundation
import Testing

@Suite struct EmotionDatasetTests {
    @Test func mapsSynonymsAndListsUnknownFolders() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-emo-\(UInt32.random(in: 0 ... .max))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for folder in ["anger", "happiness", "contempt", "neutral"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
            for name in ["b.jpg", "a.jpg", "c.jpg"] { try Data().write(to: URL(fileURLWithPath: root + "/" + folder + "/" + name)) }
        }
        let dataset = try EmotionDataset(root: root, limitPerClass: 2)
        #expect(dataset.skipped == ["contempt"])
        #expect(dataset.samples.map(\.relativePath) == ["anger/a.jpg", "anger/b.jpg", "happiness/a.jpg", "happiness/b.jpg",
                                                        "neutral/a.jpg", "neutral/b.jpg"])
        #expect(dataset.samples.map(\.label) == [.angry, .angry, .happy, .happy, .neutral, .neutral])
        #expect(throws: EmotionError.self) { try EmotionDataset(root: root + "/missing") }
    }

    @Test func evaluationCountsAccuracyRecallAndConfusion() {
        var evaluation = EmotionEvaluation(skipped: ["contempt"])
        evaluation.record(truth: .happy, predicted: .happy)
        evaluation.record(truth: .happy, predicted: .sad)
        evaluation.record(truth: .sad, predicted: .sad)
        evaluation.recordFailure(path: "sad/x.jpg", reason: "corrupt")
        #expect(evaluation.scored == 3)
        #expect(abs(evaluation.accuracy - 2.0 / 4) < 1e-12)  // the failure counts as a miss
        #expect(abs(evaluation.accuracyOfScored - 2.0 / 3) < 1e-12)
        #expect(evaluation.perClassRecall[.happy] == 0.5)
        #expect(evaluation.perClassRecall[.angry] == .some(nil))
        #expect(evaluation.confusion[EmotionLabel.happy.rawValue][EmotionLabel.sad.rawValue] == 1)
        let json = evaluation.jsonObject(method: "xception")
        #expect(json["skipped"] as? [String] == ["contempt"])
        #expect(json["failed"] as? Int == 1)
        #expect(JSONSerialization.isValidJSONObject(json))
    }

    @Test func centroidsClassifyByNearestClassAndRoundTrip() throws {
        let examples: [(label: EmotionLabel, vector: [Float], image: String)] = [
            (.happy, [1, 0, 0], "happy/1.jpg"), (.happy, [0.9, 0.1, 0], "happy/2.jpg"),
            (.sad, [0, 1, 0], "sad/1.jpg"), (.fear, [0, 0, 2], "fear/1.jpg"),
        ]
        let table = try EmotionCentroids(feature: "test", weights: "none", examples: examples)
        #expect(try table.classify([0.8, 0.2, 0.1]) == .happy)
        #expect(try table.classify([0.1, 0.9, 0]) == .sad)
        #expect(try table.classify([0, 0.1, 5]) == .fear)
        #expect(throws: EmotionError.self) { try table.classify([1, 0]) }
        #expect(throws: EmotionError.self) { try table.classify([.nan, 0, 0]) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-centroids-\(UInt32.random(in: 0 ... .max)).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try table.write(to: path)
        let read = try EmotionCentroids(contentsOf: path)
        #expect(read == table)
        #expect(read.images.count == 4)
        try Data("{\"format\": 1}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: EmotionError.self) { try EmotionCentroids(contentsOf: path) }
    }
}
