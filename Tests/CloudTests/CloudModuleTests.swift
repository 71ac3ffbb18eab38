import Cloud
import Testing

@Suite struct CloudModuleTests {
    @Test func moduleLinks() {
        // Placeholder until the module's own tests land; replaced by them.
    }
}
