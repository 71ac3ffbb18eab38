import MQTT
import Testing

@Suite struct ReconnectStateMachineTests {
    let policy = ReconnectPolicy(initialDelay: 1, maxDelay: 10, multiplier: 2, jitter: 0.5, failFirstConnect: false)

    @Test func backoffGrowsExponentiallyToTheCap() {
        let delays = (0..<6).map { policy.delay(attempt: $0, random: 0) }
        #expect(delays == [1, 2, 4, 8, 10, 10])
        #expect(policy.delay(attempt: 2, random: 1) == 2)  // 50 % jitter at most
        #expect(policy.delay(attempt: 2, random: 0.5) == 3)
    }

    @Test func failedAttemptsBackOffAndSuccessResets() {
        var machine = ReconnectStateMachine(policy: policy)
        #expect(machine.start() == .connect)
        let error = MQTTError(.connectFailed, detail: "refused")
        #expect(machine.connectFailed(error, random: 0) == .wait(seconds: 1))
        #expect(machine.waitElapsed() == .connect)
        #expect(machine.connectFailed(error, random: 0) == .wait(seconds: 2))
        #expect(machine.waitElapsed() == .connect)
        #expect(machine.connectFailed(error, random: 0) == .wait(seconds: 4))
        #expect(machine.waitElapsed() == .connect)
        #expect(machine.connectSucceeded() == .run)
        #expect(machine.state == .connected)
        #expect(machine.connectionLost(random: 0) == .wait(seconds: 1))
        #expect(machine.waitElapsed() == .connect)
        #expect(machine.connectSucceeded() == .run)
    }

    @Test func firstFailureFailsWhenAsked() {
        var strict = policy
        strict.failFirstConnect = true
        var machine = ReconnectStateMachine(policy: strict)
        _ = machine.start()
        let error = MQTTError(.connectionRefused, reason: 0x87, detail: "not authorized")
        #expect(machine.connectFailed(error, random: 0) == .fail(error))
        #expect(machine.state == .failed(error))
        // After one success, failures are retried even in strict mode.
        #expect(machine.start() == .connect)
        _ = machine.connectSucceeded()
        _ = machine.connectionLost(random: 0)
        _ = machine.waitElapsed()
        #expect(machine.connectFailed(error, random: 0) == .wait(seconds: 2))
    }

    @Test func stopDisconnectsOnlyWhenConnected() {
        var machine = ReconnectStateMachine(policy: policy)
        _ = machine.start()
        _ = machine.connectSucceeded()
        #expect(machine.stop() == .disconnect)
        #expect(machine.stop() == .none)
        #expect(machine.disconnected() == .finish)
        var waiting = ReconnectStateMachine(policy: policy)
        _ = waiting.start()
        _ = waiting.connectFailed(MQTTError(.timeout, detail: ""), random: 0)
        #expect(waiting.stop() == .finish)
        #expect(waiting.waitElapsed() == .none)
    }

    @Test func lateEventsAreIgnored() {
        var machine = ReconnectStateMachine(policy: policy)
        #expect(machine.connectSucceeded() == .none)
        #expect(machine.connectionLost(random: 0) == .none)
        #expect(machine.waitElapsed() == .none)
        #expect(machine.state == .idle)
    }
}
