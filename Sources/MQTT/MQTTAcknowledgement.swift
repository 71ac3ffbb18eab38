import Foundation

/// Identifies one received QoS 1 message for a manual acknowledgement: the connection it arrived on and its
/// packet identifier.
///
/// With `MQTTConfiguration.manualAcknowledgements` the client sends no PUBACK when a message arrives; the
/// application calls `MQTTClient.acknowledge(_:)` once it has committed what the message carried. Until every
/// message received so far is acknowledged, the client writes nothing to the broker (libmosquitto 2.0 queues
/// each PUBACK on receipt, before the application sees the message, and writes its queue in order), so no
/// PUBACK leaves before its own message was acknowledged. The broker's Receive Maximum
/// (`MQTTConfiguration.receiveMaximum`) bounds how many messages are outstanding, which is where back-pressure
/// comes from. A message whose connection is lost before its acknowledgement is delivered again by the broker
/// (persistent session) and acknowledging the old copy does nothing.
public struct MQTTAcknowledgement: Sendable, Hashable {
    /// Which connection of the client the message arrived on (counts up from 1).
    public let connection: UInt64
    /// The message's MQTT packet identifier on that connection.
    public let packetID: Int32
}
