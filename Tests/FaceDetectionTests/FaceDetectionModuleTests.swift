import FaceDetection
import Testing

@Suite struct FaceDetectionModuleTests {
    @Test func moduleLinks() {
        // Placeholder until the module's own tests land; replaced by them.
    }
}
