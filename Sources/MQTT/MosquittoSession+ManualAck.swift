import CMosquitto
import Foundation

/// Manual acknowledgements on libmosquitto 2.0, which has no API for them: it queues a QoS 1 message's PUBACK
/// before the message callback runs and writes its queue in order. So while any received message is still
/// unacknowledged (the `AcknowledgementGate` is shut) the network thread reads (the broker's Receive Maximum
/// bounds how much) but writes nothing; once all are acknowledged the queue — their PUBACKs and whatever was
/// published meanwhile — goes out. A lost connection discards the queue (libmosquitto's reconnect), and the
/// broker delivers those messages again.
extension MosquittoSession {
    /// One pass of the network loop: `mosquitto_loop`, or with manual acknowledgements a read pass and, when
    /// the gate is open, a write pass and the keepalive check.
    func loopOnce(timeoutMilliseconds: Int32) -> Int32 {
        guard let wakePipe else { return mosquitto_loop(handle, timeoutMilliseconds, 1) }
        let socket = mosquitto_socket(handle)
        guard socket >= 0 else { return MosquittoLibrary.noConnection }
        let writable = gateOpen && mosquitto_want_write(handle)
        var fds = [pollfd(fd: socket, events: Int16(POLLIN) | (writable ? Int16(POLLOUT) : 0), revents: 0),
                   pollfd(fd: wakePipe.readDescriptor, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&fds, 2, timeoutMilliseconds)
        if ready < 0 { return errno == EINTR ? MosquittoLibrary.success : Int32(MOSQ_ERR_ERRNO.rawValue) }
        if fds[1].revents & Int16(POLLIN) != 0 { wakePipe.drain() }
        // Reading also advances a TLS handshake still in progress (libmosquitto does it first in loop_read).
        if fds[0].revents != 0 {
            let rc = mosquitto_loop_read(handle, 1)
            if rc != MosquittoLibrary.success { return rc }
        }
        guard gateOpen else { return MosquittoLibrary.success }
        if mosquitto_want_write(handle) {
            let rc = mosquitto_loop_write(handle, 1)
            if rc != MosquittoLibrary.success { return rc }
        }
        return mosquitto_loop_misc(handle)
    }

    /// Whether nothing received on this connection waits for its acknowledgement.
    var gateOpen: Bool { locked { $0.acknowledgements.isOpen } }

    /// Acknowledges one message received with manual acknowledgements. Returns whether it released a PUBACK
    /// (false: already acknowledged, or its connection is gone and the broker delivers it again).
    @discardableResult
    func acknowledge(_ acknowledgement: MQTTAcknowledgement) -> Bool {
        let outcome = locked { state -> AcknowledgementGate.Outcome in
            let outcome = state.acknowledgements.acknowledge(acknowledgement)
            switch outcome {
            case .released: state.statistics.messagesAcknowledged += 1
            case .stale: state.statistics.staleAcknowledgements += 1
            case .alreadyAcknowledged: break
            }
            return outcome
        }
        guard case let .released(opened) = outcome else { return false }
        if opened { wake() }
        return true
    }

    /// Wakes the network thread's poll (manual acknowledgements only; otherwise libmosquitto wakes it).
    func wake() {
        wakePipe?.wake()
    }
}
