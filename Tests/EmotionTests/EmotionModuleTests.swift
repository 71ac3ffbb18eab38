import Emotion
import Testing

@Suite struct EmotionModuleTests {
    @Test func moduleLinks() {
        // Placeholder until the module's own tests land; replaced by them.
    }
}
