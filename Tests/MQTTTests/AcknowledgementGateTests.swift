@testable import MQTT
import Testing

/// The write gate of manual acknowledgements, without sockets: it shuts with every QoS 1 message received and
/// opens when the last is acknowledged; acknowledgements from a lost connection or given twice release nothing.
@Suite struct AcknowledgementGateTests {
    @Test func theGateOpensOnlyWhenTheLastMessageIsAcknowledged() {
        var gate = AcknowledgementGate()
        gate.newConnection()
        #expect(gate.isOpen)
        let first = gate.received(packetID: 1)
        let second = gate.received(packetID: 2)
        #expect(first == MQTTAcknowledgement(connection: 1, packetID: 1))
        #expect(!gate.isOpen)
        #expect(gate.acknowledge(second) == .released(opened: false))
        #expect(!gate.isOpen)
        #expect(gate.acknowledge(first) == .released(opened: true))
        #expect(gate.isOpen)
    }

    @Test func aSecondAcknowledgementReleasesNothing() {
        var gate = AcknowledgementGate()
        gate.newConnection()
        let message = gate.received(packetID: 9)
        let other = gate.received(packetID: 10)
        #expect(gate.acknowledge(message) == .released(opened: false))
        #expect(gate.acknowledge(message) == .alreadyAcknowledged)
        #expect(!gate.isOpen)
        #expect(gate.acknowledge(other) == .released(opened: true))
    }

    @Test func aNewConnectionOpensTheGateAndMakesOldAcknowledgementsStale() {
        var gate = AcknowledgementGate()
        gate.newConnection()
        let lost = gate.received(packetID: 4)
        #expect(!gate.isOpen)
        gate.newConnection()
        #expect(gate.isOpen)
        #expect(gate.connection == 2)
        // The broker delivers the message again, possibly with the same packet id: only the new copy counts.
        let again = gate.received(packetID: 4)
        #expect(again != lost)
        #expect(gate.acknowledge(lost) == .stale)
        #expect(!gate.isOpen)
        #expect(gate.acknowledge(again) == .released(opened: true))
    }
}
