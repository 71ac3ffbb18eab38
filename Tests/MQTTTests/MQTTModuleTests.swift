import MQTT
import Testing

@Suite struct MQTTModuleTests {
    @Test func moduleLinks() {
        // Placeholder until the module's own tests land; replaced by them.
    }
}
