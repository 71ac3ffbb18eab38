import Foundation
@testable import MQTT
import Testing

/// Messages for no subscription, held for the first that matches them, without sockets.
@Suite struct OrphanBufferTests {
    func message(_ topic: String, _ text: String) -> MQTTMessage {
        MQTTMessage(topic: topic, payload: Data(text.utf8))
    }

    @Test func aSubscriptionTakesItsMessagesInArrivalOrderAndLeavesTheRest() {
        var buffer = OrphanBuffer()
        #expect(buffer.hold(message("rollcall/v1/sites/s1/agents/a1/faces", "1")))
        #expect(buffer.hold(message("rollcall/v1/sites/s1/status", "2")))
        #expect(buffer.hold(message("rollcall/v1/sites/s1/agents/a2/faces", "3")))
        let faces = buffer.take(matching: "rollcall/v1/sites/+/agents/+/faces")
        #expect(faces.map { String(decoding: $0.payload, as: UTF8.self) } == ["1", "3"])
        #expect(buffer.messages.map(\.topic) == ["rollcall/v1/sites/s1/status"])
        #expect(buffer.take(matching: "rollcall/v1/sites/+/agents/+/faces").isEmpty)
        #expect(buffer.take(matching: "#").count == 1)
        #expect(buffer.count == 0)
    }

    @Test func aFullBufferRefusesTheNextMessageAndAcceptsAgainOnceTaken() {
        var buffer = OrphanBuffer(limit: 2)
        #expect(buffer.hold(message("a/1", "1")))
        #expect(buffer.hold(message("b/1", "2")))
        #expect(!buffer.hold(message("a/2", "3")))
        #expect(buffer.count == 2)
        #expect(buffer.take(matching: "a/+").map(\.topic) == ["a/1"])
        #expect(buffer.hold(message("a/3", "4")))
        #expect(buffer.messages.map(\.topic) == ["b/1", "a/3"])
    }

    @Test func systemTopicsGoOnlyToFiltersThatNameThem() {
        var buffer = OrphanBuffer()
        _ = buffer.hold(message("$SYS/broker/uptime", "1"))
        #expect(buffer.take(matching: "#").isEmpty)
        #expect(buffer.take(matching: "$SYS/#").count == 1)
    }

    @Test func theDefaultLimitIsTheDocumentedOne() {
        #expect(OrphanBuffer().limit == 10_000)
    }
}
