import CMosquitto
import Foundation

/// The network thread: performs `ReconnectStateMachine`'s actions (connect, run the loop, wait, disconnect)
/// until the machine says to finish, then answers everyone still waiting.
extension MosquittoSession {
    func startThread(first action: ReconnectStateMachine.Action) {
        let thread = Thread { [self] in runNetworkLoop(first: action) }
        thread.name = "mqtt \(configuration.clientID)"
        thread.start()
    }

    private func runNetworkLoop(first: ReconnectStateMachine.Action) {
        var action = first
        while true {
            if action != .finish, locked({ $0.stopRequested }) {
                let stop = locked { $0.machine.stop() }
                if stop != .none { action = stop }
            }
            switch action {
            case .connect:
                action = connectOnce()
            case .run:
                let rc = loopOnce(timeoutMilliseconds: 100)
                if rc != MosquittoLibrary.success {
                    let error = MQTTError.library(.connectionLost, rc, "connection to \(configuration.host):\(configuration.port) lost")
                    action = locked { state in
                        state.statistics.connectionLosses += 1
                        return state.machine.connectionLost(random: Double.random(in: 0..<1))
                    }
                    if case let .wait(seconds) = action { eventSink.yield(.connectionLost(error, retryIn: seconds)) }
                }
            case let .wait(seconds):
                action = waitBeforeRetrying(seconds: seconds)
            case .disconnect:
                mosquitto_disconnect_v5(handle, 0, nil)
                let deadline = Date().addingTimeInterval(1)
                while Date() < deadline, mosquitto_want_write(handle),
                      loopOnce(timeoutMilliseconds: 50) == MosquittoLibrary.success {}
                // Messages still unacknowledged must not be acknowledged by a flush: drop the connection instead,
                // so the broker delivers them again.
                if !locked({ $0.acknowledgements.isOpen }) { breakConnection() }
                action = locked { $0.machine.disconnected() }
                eventSink.yield(.disconnected)
            case let .fail(error):
                finish(error: error)
                return
            case .finish, .none:
                mosquitto_disconnect_v5(handle, 0, nil)
                finish(error: nil)
                return
            }
        }
    }

    /// Waits out the backoff before the next attempt; a stop request ends the wait at once.
    private func waitBeforeRetrying(seconds: Double) -> ReconnectStateMachine.Action {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !state.stopRequested && condition.wait(until: deadline) {}
        return state.stopRequested ? state.machine.stop() : state.machine.waitElapsed()
    }

    /// Ends the thread's run: everyone waiting is answered; subscriptions end when the stop was requested.
    private func finish(error: MQTTError?) {
        let (connectWaiters, stopWaiters, abandoned, streams) = locked { state in
            let requested = state.stopRequested
            let streams = requested ? state.subscriptions.values.map(\.continuation) : []
            let waiters = (state.connectWaiters, state.stopWaiters)
            state.connectWaiters = []
            state.stopWaiters = []
            if requested { state.subscriptions = [:] }
            state.threadRunning = false
            state.stopRequested = false
            return (waiters.0, waiters.1, state.requests.removeAll(), streams)
        }
        let failure = error ?? MQTTError(.notConnected, detail: "the client disconnected")
        connectWaiters.forEach { $0.resume(throwing: failure) }
        let closed = MQTTError(.notConnected, detail: "the client stopped before the broker answered")
        abandoned.publishes.forEach { $0.resume(throwing: closed) }
        abandoned.subscribes.forEach { $0.resume(throwing: closed) }
        abandoned.unsubscribes.forEach { $0.resume() }
        streams.forEach { $0.finish() }
        stopWaiters.forEach { $0.resume() }
    }
}
