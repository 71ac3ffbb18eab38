import PKI
import Testing

@Suite struct PKIModuleTests {
    @Test func moduleLinks() {
        // Placeholder until the module's own tests land; replaced by them.
    }
}
