import Foundation

/// Starting and stopping the network thread (any thread).
extension MosquittoSession {
    /// Starts connecting; suspends until connected or, with `failFast`, refused.
    func connect(failFast: Bool) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            condition.lock()
            if state.machine.state == .connected {
                condition.unlock()
                continuation.resume()
                return
            }
            state.connectWaiters.append(continuation)
            let first = startRun(failFast: failFast, state: &state)
            condition.unlock()
            if let first { startThread(first: first) }
        }
    }

    /// Starts connecting in the background, retrying until `disconnect()`.
    func start() {
        let first = locked { startRun(failFast: false, state: &$0) }
        if let first { startThread(first: first) }
    }

    /// The first action of a new run, or nil when the thread runs already. Called with the lock held.
    private func startRun(failFast: Bool, state: inout State) -> ReconnectStateMachine.Action? {
        guard !state.threadRunning else { return nil }
        var policy = configuration.reconnect
        policy.failFirstConnect = failFast
        state.machine = ReconnectStateMachine(policy: policy)
        state.threadRunning = true
        state.stopRequested = false
        return state.machine.start()
    }

    func disconnect() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            guard state.threadRunning else {
                let streams = state.subscriptions.values.map(\.continuation)
                state.subscriptions = [:]
                condition.unlock()
                streams.forEach { $0.finish() }
                continuation.resume()
                return
            }
            state.stopRequested = true
            state.stopWaiters.append(continuation)
            condition.broadcast()
            condition.unlock()
            wake()
        }
    }

    /// Asks the network thread to stop without waiting (used when the client is dropped).
    func requestStop() {
        condition.lock()
        if state.threadRunning {
            state.stopRequested = true
            condition.broadcast()
        }
        condition.unlock()
    }
}
