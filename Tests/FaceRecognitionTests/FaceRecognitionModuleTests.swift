import FaceRecognition
import Testing

@Suite struct FaceRecognitionModuleTests {
    @Test func moduleLinks() {
        // Placeholder until the module's own tests land; replaced by them.
    }
}
