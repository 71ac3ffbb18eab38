import CMosquitto
import Foundation

/// Manual acknowledgements on libmosquitto 2.0, which has no API for them: it queues a QoS 1 message's PUBACK
/// before the message callback runs and writes its queue in order. So while any received message is still
/// unacknowledged the network thread reads (the broker's Receive Maximum bounds how much) but writes nothing;
/// once all are acknowledged the queue — their PUBACKs and whatever was published meanwhile — goes out. A lost
/// connection discards the queue (libmosquitto's reconnect), and the broker delivers those messages again.
extension MosquittoSession {
    /// One pass of the network loop: `mosquitto_loop`, or with manual acknowledgements a read pass and, when
    /// nothing received is unacknowledged, a write pass and the keepalive check.
    func loopOnce(timeoutMilliseconds: Int32) -> Int32 {
        guard let wakePipe else { return mosquitto_loop(handle, timeoutMilliseconds, 1) }
        let socket = mosquitto_socket(handle)
        guard socket >= 0 else { return MosquittoLibrary.noConnection }
        let writable = gateOpen && mosquitto_want_write(handle)
        var fds = [pollfd(fd: socket, events: Int16(POLLIN) | (writable ? Int16(POLLOUT) : 0), revents: 0),
                   pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&fds, 2, timeoutMilliseconds)
        if ready < 0 { return errno == EINTR ? MosquittoLibrary.success : Int32(MOSQ_ERR_ERRNO.rawValue) }
        if fds[1].revents & Int16(POLLIN) != 0 { drainWakePipe(wakePipe.read) }
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
    var gateOpen: Bool { locked { $0.unacknowledged.isEmpty } }

    /// Acknowledges one message received with manual acknowledgements. Returns whether it released a PUBACK
    /// (false: already acknowledged, or its connection is gone and the broker delivers it again).
    @discardableResult
    func acknowledge(_ acknowledgement: MQTTAcknowledgement) -> Bool {
        let (released, open) = locked { state -> (Bool, Bool) in
            guard acknowledgement.connection == state.connection else {
                state.statistics.staleAcknowledgements += 1
                return (false, state.unacknowledged.isEmpty)
            }
            guard state.unacknowledged.remove(acknowledgement.packetID) != nil else {
                return (false, state.unacknowledged.isEmpty)
            }
            state.statistics.messagesAcknowledged += 1
            return (true, state.unacknowledged.isEmpty)
        }
        if released && open { wake() }
        return released
    }

    /// Sends SUBSCRIBE for a registered filter now if connected (otherwise the next connection does).
    func subscribeWhenConnected(filter: String, qos: QoS) {
        locked { state in
            var mid: Int32 = 0
            if mosquitto_subscribe_v5(handle, &mid, filter, qos.rawValue, 0, nil) == MosquittoLibrary.success {
                state.resubscribes[mid] = filter
            }
        }
        wake()
    }

    /// Wakes the network thread's poll (manual acknowledgements only; otherwise libmosquitto wakes it).
    func wake() {
        guard let wakePipe else { return }
        var byte: UInt8 = 1
        _ = write(wakePipe.write, &byte, 1)
    }

    private func drainWakePipe(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(fd, &buffer, buffer.count) > 0 {}
    }

    /// A non-blocking pipe for `wake()`, or nil when the system has none left (the loop then polls on a timeout).
    static func makeWakePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return (fds[0], fds[1])
    }
}
