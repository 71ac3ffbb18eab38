import CMosquitto
import Foundation

/// Publishing (any thread): QoS 0 returns once queued; QoS 1 waits in `PendingRequests` for its PUBACK.
extension MosquittoSession {
    func publish(topic: String, payload: Data, qos: QoS, retain: Bool) async throws {
        try MQTTTopic.validateName(topic)
        guard payload.count <= 268_435_455 else {
            throw MQTTError(.payloadTooLarge, detail: "\(payload.count) bytes is over MQTT's 256 MiB")
        }
        if qos == .atMostOnce {
            let rc = locked { state -> Int32 in
                let rc = rawPublish(topic: topic, payload: payload, qos: qos, retain: retain, mid: nil)
                if rc == MosquittoLibrary.success { state.statistics.messagesPublished += 1 }
                return rc
            }
            if rc != MosquittoLibrary.success { throw publishError(rc, topic: topic) }
            return
        }
        let token = locked { $0.takeToken() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let (failure, displaced) = locked { state -> (MQTTError?, CheckedContinuation<Void, Error>?) in
                    guard state.threadRunning else {
                        return (MQTTError(.notConnected, detail: "connect() before publishing to \(topic)"), nil)
                    }
                    var mid: Int32 = 0
                    let rc = rawPublish(topic: topic, payload: payload, qos: qos, retain: retain, mid: &mid)
                    // While disconnected, libmosquitto queues a QoS 1 message (it has its mid) and answers
                    // MOSQ_ERR_NO_CONN; it sends it on reconnection, and the PUBACK completes this call.
                    guard rc == MosquittoLibrary.success || (rc == MosquittoLibrary.noConnection && mid != 0) else {
                        return (publishError(rc, topic: topic), nil)
                    }
                    state.statistics.messagesPublished += 1
                    return (nil, state.requests.addPublish(mid: mid, token: token, waiter: continuation))
                }
                displaced?.resume(throwing: MQTTError(.library, detail: "packet id reused before the publish's PUBACK"))
                if let failure {
                    continuation.resume(throwing: failure)
                } else {
                    wake()
                }
            }
        } onCancel: {
            locked { $0.requests.cancelPublish(token: token) }?.resume(throwing: CancellationError())
        }
    }

    private func rawPublish(topic: String, payload: Data, qos: QoS, retain: Bool, mid: UnsafeMutablePointer<Int32>?) -> Int32 {
        payload.withUnsafeBytes { bytes in
            mosquitto_publish_v5(handle, mid, topic, Int32(bytes.count), bytes.baseAddress, qos.rawValue, retain, nil)
        }
    }

    private func publishError(_ rc: Int32, topic: String) -> MQTTError {
        rc == MosquittoLibrary.noConnection
            ? MQTTError(.notConnected, reason: rc, detail: "not connected; QoS 0 message to \(topic) not sent")
            : .library(.library, rc, "publish to \(topic)")
    }
}
