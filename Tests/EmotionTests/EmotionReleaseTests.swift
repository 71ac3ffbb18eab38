import Foundation
import Testing

/// Full-dataset accuracy through the release CLI (`$ROLLCALL_BIN eval emotion`), as the debug build is too slow
/// for 7,178 images.
@Suite struct EmotionReleaseTests {
    static func run(_ arguments: [String]) throws -> [String: Any]? {
        guard let binary = ProcessInfo.processInfo.environment["ROLLCALL_BIN"], !binary.isEmpty else {
            Issue.record("ROLLCALL_BIN is not set: run scripts/test, or export ROLLCALL_BIN=$PWD/.build/release/rollcall")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(arguments) exited with \(process.terminationStatus)")
        return try JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    @Test func miniXceptionReachesFersAccuracyOnFER2013Test() throws {
        guard let shared = EmotionTestSupport.shared,
              FileManager.default.fileExists(atPath: shared + "/datasets/fer2013-test") else {
            print("skipped: ../shared/datasets is absent")
            return
        }
        guard let report = try Self.run(["eval", "emotion", "--root", shared + "/datasets/fer2013-test"]) else { return }
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
