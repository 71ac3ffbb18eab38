import CMosquitto
import Foundation

/// One connection attempt on the network thread: TCP and TLS, CONNECT, then the loop until CONNACK, an error,
/// a stop request or the timeout; on success every registered filter is subscribed again.
extension MosquittoSession {
    func connectOnce() -> ReconnectStateMachine.Action {
        locked { state in
            state.connack = nil
            // PUBACKs queued on the previous connection are discarded by libmosquitto's reconnect; the broker
            // delivers those messages again, and acknowledging the old copies must not touch the new ones.
            state.acknowledgements.newConnection()
        }
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        mosquitto_property_add_int32(&properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), configuration.sessionExpiry)
        var rc = mosquitto_connect_bind_v5(handle, configuration.host, Int32(configuration.port),
                                           Int32(configuration.keepAlive), nil, properties)
        var outcome: ConnackOutcome?
        if rc != MosquittoLibrary.success {
            outcome = .refused(.library(.connectFailed, rc, "cannot connect to \(configuration.host):\(configuration.port)"))
        }
        let deadline = Date().addingTimeInterval(configuration.connectTimeout)
        while outcome == nil {
            rc = loopOnce(timeoutMilliseconds: 100)
            let (connack, stop) = locked { ($0.connack, $0.stopRequested) }
            if let connack {
                outcome = connack
            } else if rc != MosquittoLibrary.success {
                outcome = .refused(.library(.connectFailed, rc, "connection to \(configuration.host):\(configuration.port) failed before CONNACK"))
            } else if stop {
                return locked { $0.machine.stop() }
            } else if Date() > deadline {
                outcome = .refused(MQTTError(.timeout, detail: "no CONNACK from \(configuration.host):\(configuration.port) within \(configuration.connectTimeout) s"))
            }
        }
        guard let outcome else { return .finish }
        switch outcome {
        case let .accepted(sessionPresent):
            return connected(sessionPresent: sessionPresent)
        case let .refused(error):
            let action = locked { state -> ReconnectStateMachine.Action in
                state.statistics.failedConnects += 1
                return state.machine.connectFailed(error, random: Double.random(in: 0..<1))
            }
            if case let .wait(seconds) = action {
                eventSink.yield(.connectFailed(error, retryIn: seconds))
            } else {
                eventSink.yield(.connectFailed(error, retryIn: nil))
            }
            return action
        }
    }

    /// CONNACK accepted the connection: subscribe again and answer whoever waits for it.
    private func connected(sessionPresent: Bool) -> ReconnectStateMachine.Action {
        let (action, waiters) = locked { state -> (ReconnectStateMachine.Action, [CheckedContinuation<Void, Error>]) in
            state.statistics.connects += 1
            // Subscribes still waiting for a SUBACK were lost with the previous connection; the loop
            // below sends every registered filter again, so they are answered now rather than never.
            let waiters = state.connectWaiters + state.requests.connectionAccepted()
            state.connectWaiters = []
            // Re-subscribe on every connect, not only when the broker lost the session: Mosquitto 2.0
            // does not keep `$share/…` subscriptions across a restart even when it reports a session.
            // SUBSCRIBE is idempotent; retained messages may arrive again and consumers dedupe them.
            for subscription in state.subscriptions.values {
                resubscribe(filter: subscription.filter, qos: subscription.qos, state: &state)
            }
            return (state.machine.connectSucceeded(), waiters)
        }
        eventSink.yield(.connected(sessionPresent: sessionPresent))
        waiters.forEach { $0.resume() }
        return action
    }

    /// Sends SUBSCRIBE for a filter no caller waits on, remembering its mid for the SUBACK. Called with the lock
    /// held; a failure (not connected) leaves it to the next connection.
    func resubscribe(filter: String, qos: QoS, state: inout State) {
        var mid: Int32 = 0
        if mosquitto_subscribe_v5(handle, &mid, filter, qos.rawValue, 0, nil) == MosquittoLibrary.success {
            state.requests.addResubscribe(mid: mid, filter: filter)
        }
    }
}
