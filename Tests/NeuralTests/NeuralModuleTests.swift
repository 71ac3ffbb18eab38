import Neural
import Testing

@Suite struct NeuralModuleTests {
    @Test func moduleLinks() {
        // Placeholder until the module's own tests land; replaced by them.
    }
}
