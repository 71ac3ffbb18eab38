import MQTT
import Testing

@Suite struct MQTTTopicTests {
    @Test func wildcardsMatchAsMQTTSays() {
        #expect(MQTTTopic.matches(filter: "a/+/c", topic: "a/b/c"))
        #expect(!MQTTTopic.matches(filter: "a/+/c", topic: "a/b/d"))
        #expect(MQTTTopic.matches(filter: "a/#", topic: "a"))
        #expect(MQTTTopic.matches(filter: "a/#", topic: "a/b/c"))
        #expect(!MQTTTopic.matches(filter: "a/+", topic: "a/b/c"))
        #expect(!MQTTTopic.matches(filter: "#", topic: "$SYS/x"))
        #expect(MQTTTopic.matchFilter("$share/g/a/+/c") == "a/+/c")
    }

    @Test func invalidTopicsAndFiltersAreRefused() {
        #expect(throws: MQTTError.self) { try MQTTTopic.validateName("a/+/c") }
        #expect(throws: MQTTError.self) { try MQTTTopic.validateName("") }
        #expect(throws: MQTTError.self) { try MQTTTopic.validateFilter("a/#/c") }
        #expect(throws: MQTTError.self) { try MQTTTopic.validateFilter("a/b+") }
        #expect(throws: MQTTError.self) { try MQTTTopic.validateFilter("$share/g") }
        #expect(throws: Never.self) { try MQTTTopic.validateFilter("$share/g/a/+/#") }
    }

    @Test func configurationIsValidated() {
        #expect(throws: MQTTError.self) { try MQTTClient(configuration: .init(clientID: "a/b", tls: nil)) }
        #expect(throws: MQTTError.self) {
            try MQTTClient(configuration: .init(clientID: "a", tls: .init(caFile: "/nonexistent/ca.crt")))
        }
        #expect(throws: MQTTError.self) { try MQTTClient(configuration: .init(port: 0, clientID: "a", tls: nil)) }
    }
}
