import CMosquitto
import Foundation

/// libmosquitto's callbacks, on the network thread: C closures that find the session through the handle's
/// context pointer, and what each broker answer does to the state. Waiters are resumed after the lock.
extension MosquittoSession {
    /// How the broker answered CONNECT.
    enum ConnackOutcome {
        case accepted(sessionPresent: Bool)
        case refused(MQTTError)
    }

    private static func session(_ context: UnsafeMutableRawPointer?) -> MosquittoSession? {
        context.map { Unmanaged<MosquittoSession>.fromOpaque($0).takeUnretainedValue() }
    }

    func installCallbacks() {
        mosquitto_connect_v5_callback_set(handle) { _, context, reason, flags, _ in
            MosquittoSession.session(context)?.handleConnack(reason: reason, flags: flags)
        }
        mosquitto_publish_v5_callback_set(handle) { _, context, mid, reason, _ in
            MosquittoSession.session(context)?.handlePublishAck(mid: mid, reason: reason)
        }
        mosquitto_subscribe_v5_callback_set(handle) { _, context, mid, count, granted, _ in
            let first = (count > 0 ? granted?.pointee : nil) ?? 0x80
            MosquittoSession.session(context)?.handleSubscribeAck(mid: mid, granted: first)
        }
        mosquitto_unsubscribe_v5_callback_set(handle) { _, context, mid, _ in
            MosquittoSession.session(context)?.handleUnsubscribeAck(mid: mid)
        }
        mosquitto_message_v5_callback_set(handle) { _, context, message, _ in
            guard let message, let session = MosquittoSession.session(context) else { return }
            let topic = message.pointee.topic.map { String(cString: $0) } ?? ""
            let count = Int(max(0, message.pointee.payloadlen))
            let payload = message.pointee.payload.map { Data(bytes: $0, count: count) } ?? Data()
            session.handleMessage(MQTTMessage(topic: topic, payload: payload, qos: message.pointee.qos > 0 ? .atLeastOnce : .atMostOnce,
                                              retain: message.pointee.retain), packetID: message.pointee.mid)
        }
    }

    private func handleConnack(reason: Int32, flags: Int32) {
        locked { state in
            if reason == 0 {
                state.connack = .accepted(sessionPresent: flags & 1 != 0)
            } else {
                state.connack = .refused(.reasonCode(.connectionRefused, reason, "broker refused the connection"))
            }
        }
    }

    private func handlePublishAck(mid: Int32, reason: Int32) {
        let waiter = locked { $0.requests.publishAcknowledged(mid: mid) }
        if reason >= 0x80 {
            waiter?.resume(throwing: MQTTError.reasonCode(.publishRefused, reason, "broker refused the publish"))
        } else {
            waiter?.resume()
        }
    }

    private func handleSubscribeAck(mid: Int32, granted: Int32) {
        let refused = granted >= 0x80
        let waiter = locked { state in
            let (waiter, resubscriptionRefused) = state.requests.subscribeAcknowledged(mid: mid, refused: refused)
            if resubscriptionRefused { state.statistics.subscriptionsRefused += 1 }
            return waiter
        }
        if refused {
            waiter?.resume(throwing: MQTTError.reasonCode(.subscribeRefused, granted, "broker refused the subscription"))
        } else {
            waiter?.resume()
        }
    }

    private func handleUnsubscribeAck(mid: Int32) {
        locked { $0.requests.unsubscribeAcknowledged(mid: mid) }?.resume()
    }
}
