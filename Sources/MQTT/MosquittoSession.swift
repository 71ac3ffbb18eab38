import CMosquitto
import Foundation

/// The engine behind `MQTTClient`: one libmosquitto handle, the network thread that runs its loop, and the
/// state the C callbacks and the async API share. Its parts, one file each:
///
/// - `+Handle`: the handle's options (protocol, TLS, last will); `+Callbacks`: the C trampolines and what each
///   broker answer does;
/// - `+Lifecycle`: starting and stopping the network thread; `+NetworkThread`: the loop that performs
///   `ReconnectStateMachine`'s actions; `+Connect`: one connection attempt up to CONNACK; `+ManualAck`: the loop
///   pass that honours the `AcknowledgementGate`, woken through the `WakePipe`;
/// - `+Publish`, `+Subscribe`: the async API, whose waiters sit in `PendingRequests` until the broker answers;
///   `+Routing`: received messages to subscriptions, or to the `OrphanBuffer`.
///
/// Threading: libmosquitto runs in threaded mode (`mosquitto_threaded_set`), so publish/subscribe calls from
/// any thread only queue packets and wake the network thread; every socket and TLS operation happens on that
/// one thread. Callbacks arrive on it with the session as an unmanaged context pointer (the thread holds a
/// strong reference while it runs, and the handle is destroyed only in `deinit`). All mutable state is one
/// `State` value guarded by `condition`, which also wakes the wait between connection attempts; continuations
/// are resumed after the lock is released.
final class MosquittoSession: @unchecked Sendable {
    /// Everything the network thread, the callbacks and the API share; only touched with `condition` locked.
    struct State {
        var machine: ReconnectStateMachine
        var threadRunning = false
        var stopRequested = false
        var connectWaiters: [CheckedContinuation<Void, Error>] = []
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        /// The current attempt's CONNACK, once it arrived.
        var connack: ConnackOutcome?
        var requests = PendingRequests<CheckedContinuation<Void, Error>>()
        var subscriptions: [UInt64: Subscription] = [:]
        var orphans = OrphanBuffer()
        var acknowledgements = AcknowledgementGate()
        var statistics = MQTTStatistics()
        /// Tokens for subscriptions and cancellable publishes.
        var nextToken: UInt64 = 1

        init(machine: ReconnectStateMachine) { self.machine = machine }

        mutating func takeToken() -> UInt64 {
            defer { nextToken += 1 }
            return nextToken
        }
    }

    let configuration: MQTTConfiguration
    let handle: OpaquePointer
    let condition = NSCondition()
    var state: State
    /// With manual acknowledgements: wakes the network thread's poll (acknowledgements, publishes).
    let wakePipe: WakePipe?
    let events: AsyncStream<MQTTEvent>
    let eventSink: AsyncStream<MQTTEvent>.Continuation

    init(configuration: MQTTConfiguration) throws {
        try configuration.validate()
        MosquittoLibrary.ensureInitialised()
        guard let handle = mosquitto_new(configuration.clientID, configuration.cleanStart, nil) else {
            throw MQTTError(.library, detail: "mosquitto_new failed for client \(configuration.clientID)")
        }
        self.handle = handle
        self.configuration = configuration
        state = State(machine: ReconnectStateMachine(policy: configuration.reconnect))
        wakePipe = configuration.manualAcknowledgements ? WakePipe.make() : nil
        (events, eventSink) = AsyncStream.makeStream(of: MQTTEvent.self, bufferingPolicy: .bufferingNewest(256))
        do {
            try configureHandle()
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        installCallbacks()
    }

    deinit {
        mosquitto_destroy(handle)
        wakePipe?.closeBothEnds()
        eventSink.finish()
    }

    /// Runs `body` with the state locked.
    func locked<T>(_ body: (inout State) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(&state)
    }

    var isConnected: Bool { locked { $0.machine.state == .connected } }
    var statistics: MQTTStatistics { locked { $0.statistics } }

    /// Closes the socket under the client, as a network failure would (tests of reconnection).
    func breakConnection() {
        let socket = mosquitto_socket(handle)
        if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
    }
}
