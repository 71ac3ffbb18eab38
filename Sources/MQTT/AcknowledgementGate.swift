/// The write gate of manual acknowledgements (`MQTTConfiguration.manualAcknowledgements`): which QoS 1 messages
/// received on the current connection the application has not acknowledged yet. While any is left the gate is
/// shut and the network thread writes nothing (libmosquitto has already queued their PUBACKs, in order); when
/// the last is acknowledged it opens and the queue goes out. The broker's Receive Maximum
/// (`MQTTConfiguration.receiveMaximum`) bounds how many are outstanding. A pure value, tested without sockets.
///
/// ```
/// newConnection → (connection n, open) ─received(mid)→ shut ─acknowledge(all of them)→ open
/// acknowledge(from connection < n) → stale      acknowledge(again) → alreadyAcknowledged
/// ```
struct AcknowledgementGate {
    /// What an acknowledgement did.
    enum Outcome: Equatable {
        /// It released its message's PUBACK; `opened`: it was the last one outstanding, so writing may resume.
        case released(opened: Bool)
        /// Its message was acknowledged before.
        case alreadyAcknowledged
        /// Its message came on an earlier connection, whose queued PUBACKs are gone: the broker delivers it again.
        case stale
    }

    /// The current connection's number (counts up from 1 once connected; 0 before).
    private(set) var connection: UInt64 = 0
    /// The packet ids received on this connection and not acknowledged yet.
    private(set) var unacknowledged: Set<Int32> = []

    /// Whether nothing received on this connection waits for its acknowledgement (writing is allowed).
    var isOpen: Bool { unacknowledged.isEmpty }

    /// A new connection starts: PUBACKs queued on the previous one were discarded with it, so acknowledging
    /// the old copies must not touch the new ones.
    mutating func newConnection() {
        connection += 1
        unacknowledged = []
    }

    /// A QoS 1 message arrived as `packetID`: the gate shuts until its acknowledgement.
    mutating func received(packetID: Int32) -> MQTTAcknowledgement {
        unacknowledged.insert(packetID)
        return MQTTAcknowledgement(connection: connection, packetID: packetID)
    }

    /// The application acknowledged a message.
    mutating func acknowledge(_ acknowledgement: MQTTAcknowledgement) -> Outcome {
        guard acknowledgement.connection == connection else { return .stale }
        guard unacknowledged.remove(acknowledgement.packetID) != nil else { return .alreadyAcknowledged }
        return .released(opened: unacknowledged.isEmpty)
    }
}
