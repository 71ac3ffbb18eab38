import Capture
import Testing

@Suite struct CaptureModuleTests {
    @Test func moduleLinks() {
        // Placeholder until the module's own tests land; replaced by them.
    }
}
