import Foundation

/// Received messages to the subscriptions whose filter matches them; those that match none wait in the
/// `OrphanBuffer` for the first subscription that does. Every drop is counted in `statistics.messagesDropped`.
extension MosquittoSession {
    /// One subscription's filter and the stream its messages go to.
    struct Subscription {
        let filter: String
        /// The filter messages are matched against (without `$share/{group}/`).
        let matchFilter: String
        let qos: QoS
        let continuation: AsyncStream<MQTTMessage>.Continuation
    }

    /// A message arrived (network thread). With manual acknowledgements a QoS 1 message gets its
    /// acknowledgement and shuts the gate: its PUBACK is queued already, and nothing is written until it is
    /// acknowledged.
    func handleMessage(_ received: MQTTMessage, packetID: Int32) {
        locked { state in
            state.statistics.messagesReceived += 1
            var message = received
            if configuration.manualAcknowledgements, message.qos >= .atLeastOnce {
                message.acknowledgement = state.acknowledgements.received(packetID: packetID)
            }
            var delivered = false
            for subscription in state.subscriptions.values
            where MQTTTopic.matches(filter: subscription.matchFilter, topic: message.topic) {
                switch subscription.continuation.yield(message) {
                case .enqueued: delivered = true
                case .dropped: delivered = true; state.statistics.messagesDropped += 1
                case .terminated: break
                @unknown default: delivered = true
                }
            }
            if !delivered, !state.orphans.hold(message) {
                state.statistics.messagesDropped += 1
            }
        }
    }

    /// Adds a subscription locally (its stream receives matching messages from now on, including those held
    /// for no subscription yet) without sending SUBSCRIBE; every connection sends it.
    func register(filter: String, qos: QoS) -> (UInt64, AsyncStream<MQTTMessage>) {
        // With manual acknowledgements the broker's Receive Maximum bounds what is outstanding: never drop.
        let policy: AsyncStream<MQTTMessage>.Continuation.BufferingPolicy = configuration.manualAcknowledgements
            ? .unbounded : .bufferingOldest(configuration.subscriptionBufferLimit)
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTMessage.self, bufferingPolicy: policy)
        let matchFilter = MQTTTopic.matchFilter(filter)
        let token = locked { state -> UInt64 in
            let token = state.takeToken()
            state.subscriptions[token] = Subscription(filter: filter, matchFilter: matchFilter, qos: qos, continuation: continuation)
            // Deliver what a resumed session sent before this subscription existed.
            for message in state.orphans.take(matching: matchFilter) {
                if case .dropped = continuation.yield(message) { state.statistics.messagesDropped += 1 }
            }
            return token
        }
        // A consumer that stops iterating (its task cancelled) no longer receives: forget it locally.
        continuation.onTermination = { [weak self] _ in
            _ = self?.locked { $0.subscriptions.removeValue(forKey: token) }
        }
        return (token, stream)
    }

    /// Forgets a subscription locally and ends its stream.
    func removeSubscription(_ token: UInt64) {
        let subscription = locked { $0.subscriptions.removeValue(forKey: token) }
        subscription?.continuation.finish()
    }
}
