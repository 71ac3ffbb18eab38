import Foundation
@testable import MQTT
import Testing

/// Messages for no subscription, held for the first that matches them, without sockets.
@Suite struct OrphanBufferTests {
    func message(_ topic: String, _ text: String) -> MQTTMessage {
        MQTTMessage(topic: topic, payload: Data(text.utf8))
    }

    /// Holds each message in turn: whether each was accepted (`#expect` cannot call a mutating method itself).
    func hold(_ buffer: inout OrphanBuffer, _ messages: MQTTMessage...) -> [Bool] {
        messages.map { buffer.hold($0) }
    }

    @Test func aSubscriptionTakesItsMessagesInArrivalOrderAndLeavesTheRest() {
        var buffer = OrphanBuffer()
        let accepted = hold(&buffer, message("rollcall/v1/sites/s1/agents/a1/faces", "1"),
                            message("rollcall/v1/sites/s1/status", "2"), message("rollcall/v1/sites/s1/agents/a2/faces", "3"))
        #expect(accepted == [true, true, true])
        let faces = buffer.take(matching: "rollcall/v1/sites/+/agents/+/faces")
        #expect(faces.map { String(decoding: $0.payload, as: UTF8.self) } == ["1", "3"])
        #expect(buffer.messages.map(\.topic) == ["rollcall/v1/sites/s1/status"])
        let none = buffer.take(matching: "rollcall/v1/sites/+/agents/+/faces")
        #expect(none.isEmpty)
        #expect(buffer.take(matching: "#").count == 1)
        #expect(buffer.count == 0)
    }

    @Test func aFullBufferRefusesTheNextMessageAndAcceptsAgainOnceTaken() {
        var buffer = OrphanBuffer(limit: 2)
        let accepted = hold(&buffer, message("a/1", "1"), message("b/1", "2"), message("a/2", "3"))
        #expect(accepted == [true, true, false])
        #expect(buffer.count == 2)
        #expect(buffer.take(matching: "a/+").map(\.topic) == ["a/1"])
        let again = hold(&buffer, message("a/3", "4"))
        #expect(again == [true])
        #expect(buffer.messages.map(\.topic) == ["b/1", "a/3"])
    }

    @Test func systemTopicsGoOnlyToFiltersThatNameThem() {
        var buffer = OrphanBuffer()
        _ = buffer.hold(message("$SYS/broker/uptime", "1"))
        let everything = buffer.take(matching: "#")
        #expect(everything.isEmpty)
        #expect(buffer.take(matching: "$SYS/#").count == 1)
    }

    @Test func theDefaultLimitIsTheDocumentedOne() {
        #expect(OrphanBuffer().limit == 10_000)
    }
}
