import Foundation

extension MQTTClient {
    /// Acknowledges a QoS 1 message received with `MQTTConfiguration.manualAcknowledgements`, after what it
    /// carried was committed: its PUBACK may go to the broker now. Does nothing for a message without an
    /// `acknowledgement`, one already acknowledged, or one whose connection was lost (the broker delivers it
    /// again). Every message such a client receives must be acknowledged: until then it writes nothing.
    public func acknowledge(_ message: MQTTMessage) {
        guard let acknowledgement = message.acknowledgement else { return }
        session.acknowledge(acknowledgement)
    }

    /// Subscribes to `filter` on every connection from now on and returns its stream at once, before any
    /// connection: messages a resumed session delivers right after CONNACK reach it. For clients started with
    /// `start()`. A refusal by the broker is counted in `statistics.subscriptionsRefused`.
    public func register(_ filter: String, qos: QoS = .atLeastOnce) throws -> MQTTSubscription {
        try MQTTTopic.validateFilter(filter)
        let (token, stream) = session.register(filter: filter, qos: qos)
        session.subscribeWhenConnected(filter: filter, qos: qos)
        return MQTTSubscription(token: token, filter: filter, stream: stream)
    }
}
