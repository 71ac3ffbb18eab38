import Wire
import Testing

@Suite struct WireModuleTests {
    @Test func moduleLinks() {
        // Placeholder until the module's own tests land; replaced by them.
    }
}
