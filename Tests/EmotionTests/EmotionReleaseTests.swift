import Foundation
import Testing
import TestSupport

/// Full-dataset accuracy through the release CLI (`$ROLLCALL_BIN eval emotion`), as the debug build is too slow
/// for 7,178 images.
@Suite struct EmotionReleaseTests {
    @Test(.needsSharedDatasets, .needsReleaseCLI)
    func miniXceptionReachesFersAccuracyOnFER2013Test() throws {
        let report = try ReleaseCLI.json(["eval", "emotion", "--root", EmotionTestSupport.fer2013])
        let accuracy = try #require((report["accuracy"] as? NSNumber)?.doubleValue)
        #expect(accuracy >= 0.655, "accuracy \(accuracy) below fer's 65.55 %")
        #expect((report["images"] as? NSNumber)?.intValue == 7178)
        #expect((report["skipped"] as? [String]) == [])
        let confusion = try #require(report["confusion"] as? [[Int]])
        #expect(confusion.count == 7 && confusion.allSatisfy { $0.count == 7 })
        let recall = try #require(report["per_class_recall"] as? [String: Any])
        #expect(Set(recall.keys) == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
    }
}
