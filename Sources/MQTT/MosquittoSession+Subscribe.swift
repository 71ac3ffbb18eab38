import CMosquitto
import Foundation

/// Subscribing and unsubscribing (any thread): the caller waits in `PendingRequests` for SUBACK or UNSUBACK.
extension MosquittoSession {
    func subscribe(filter: String, qos: QoS) async throws -> (UInt64, AsyncStream<MQTTMessage>) {
        try MQTTTopic.validateFilter(filter)
        let (token, stream) = register(filter: filter, qos: qos)
        do {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, Error>) in
                let rc = locked { state -> Int32 in
                    var mid: Int32 = 0
                    let rc = mosquitto_subscribe_v5(handle, &mid, filter, qos.rawValue, 0, nil)
                    if rc == MosquittoLibrary.success { state.requests.addSubscribe(mid: mid, waiter: waiter) }
                    return rc
                }
                guard rc == MosquittoLibrary.success else {
                    waiter.resume(throwing: rc == MosquittoLibrary.noConnection
                        ? MQTTError(.notConnected, reason: rc, detail: "connect() before subscribing to \(filter)")
                        : MQTTError.library(.subscribeRefused, rc, "subscribe to \(filter)"))
                    return
                }
                wake()
            }
        } catch {
            removeSubscription(token)
            throw error
        }
        return (token, stream)
    }

    /// Sends SUBSCRIBE for a registered filter now if connected (otherwise the next connection does).
    func subscribeWhenConnected(filter: String, qos: QoS) {
        locked { resubscribe(filter: filter, qos: qos, state: &$0) }
        wake()
    }

    func unsubscribe(_ token: UInt64) async throws {
        guard let subscription = locked({ $0.subscriptions.removeValue(forKey: token) }) else { return }
        subscription.continuation.finish()
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, Error>) in
            let rc = locked { state -> Int32 in
                var mid: Int32 = 0
                let rc = mosquitto_unsubscribe_v5(handle, &mid, subscription.filter, nil)
                if rc == MosquittoLibrary.success { state.requests.addUnsubscribe(mid: mid, waiter: waiter) }
                return rc
            }
            guard rc == MosquittoLibrary.success else {
                // Not connected: a clean-start session will not restore it; a persistent one keeps it until
                // the next unsubscribe.
                waiter.resume(throwing: MQTTError.library(.notConnected, rc, "unsubscribe from \(subscription.filter)"))
                return
            }
            wake()
        }
    }
}
