import Foundation
import ModelSupply

/// Paths the emotion tests share.
enum EmotionTestSupport {
    /// The shared reference folder: `<package root>/../shared` (a worktree one level deeper: `../../shared`).
    static var shared: String? {
        ["../shared", "../../shared"].first { FileManager.default.fileExists(atPath: $0 + "/refs") }
    }

    /// fer's model, verified by the model store.
    static func modelPath() throws -> String {
        try ModelStore.standard().url(for: "fer-mini-xception").path
    }
}
