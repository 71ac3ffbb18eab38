import CMosquitto
import Foundation

/// The engine behind `MQTTClient`: one libmosquitto handle, the network thread that runs its loop, and the
/// state the C callbacks and the async API share.
///
/// Threading: libmosquitto runs in threaded mode (`mosquitto_threaded_set`), so publish/subscribe calls from
/// any thread only queue packets and wake the network thread; every socket and TLS operation happens on that
/// one thread. Callbacks arrive on it with the session as an unmanaged context pointer (the thread holds a
/// strong reference while it runs, and the handle is destroyed only in `deinit`). All mutable state is guarded
/// by `condition`; continuations are resumed after the lock is released.
final class MosquittoSession: @unchecked Sendable {
    struct Subscription {
        let filter: String
        let matchFilter: String
        let qos: QoS
        let continuation: AsyncStream<MQTTMessage>.Continuation
    }

    enum ConnackOutcome {
        case accepted(sessionPresent: Bool)
        case refused(MQTTError)
    }

    struct State {
        var machine: ReconnectStateMachine
        var threadRunning = false
        var stopRequested = false
        var connectWaiters: [CheckedContinuation<Void, Error>] = []
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        var connack: ConnackOutcome?
        var publishes: [Int32: (token: UInt64, waiter: CheckedContinuation<Void, Error>)] = [:]
        var publishTokens: [UInt64: Int32] = [:]
        var subscribes: [Int32: CheckedContinuation<Void, Error>] = [:]
        var unsubscribes: [Int32: CheckedContinuation<Void, Error>] = [:]
        var subscriptions: [UInt64: Subscription] = [:]
        var orphans: [MQTTMessage] = []
        var statistics = MQTTStatistics()
        var nextToken: UInt64 = 1
        /// Manual acknowledgements: the current connection's number and the packet ids received on it that
        /// the application has not acknowledged yet (nothing is written to the broker while any is left).
        var connection: UInt64 = 0
        var unacknowledged: Set<Int32> = []
        /// SUBSCRIBEs sent again on a new connection, by packet id, for their SUBACK.
        var resubscribes: [Int32: String] = [:]
    }

    /// Messages that matched no subscription are held (up to this many) for the first subscription that
    /// matches them: a resumed persistent session can deliver before the application has subscribed again.
    static let orphanLimit = 10_000

    let configuration: MQTTConfiguration
    let handle: OpaquePointer
    let condition = NSCondition()
    var state: State
    /// With manual acknowledgements: a pipe that wakes the network thread's poll (acknowledgements, publishes).
    let wakePipe: (read: Int32, write: Int32)?
    let events: AsyncStream<MQTTEvent>
    private let eventSink: AsyncStream<MQTTEvent>.Continuation

    init(configuration: MQTTConfiguration) throws {
        try configuration.validate()
        MosquittoLibrary.ensureInitialised()
        guard let handle = mosquitto_new(configuration.clientID, configuration.cleanStart, nil) else {
            throw MQTTError(.library, detail: "mosquitto_new failed for client \(configuration.clientID)")
        }
        self.handle = handle
        self.configuration = configuration
        state = State(machine: ReconnectStateMachine(policy: configuration.reconnect))
        wakePipe = configuration.manualAcknowledgements ? Self.makeWakePipe() : nil
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
        if let wakePipe {
            close(wakePipe.read)
            close(wakePipe.write)
        }
        eventSink.finish()
    }

    private func check(_ rc: Int32, _ context: String) throws {
        guard rc == MosquittoLibrary.success else {
            throw MQTTError.library(.invalidConfiguration, rc, context)
        }
    }

    private func configureHandle() throws {
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5), "protocol version 5")
        try check(mosquitto_threaded_set(handle, true), "threaded mode")
        // Small packets (PUBACK, QoS 1 publishes one at a time) must not wait for Nagle's algorithm.
        try check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1), "TCP_NODELAY")
        try check(mosquitto_int_option(handle, MOSQ_OPT_RECEIVE_MAXIMUM, Int32(configuration.receiveMaximum)),
                  "receive maximum \(configuration.receiveMaximum)")
        if let tls = configuration.tls {
            try check(mosquitto_tls_set(handle, tls.caFile, nil, tls.certificateFile, tls.keyFile, nil),
                      "TLS files (ca \(tls.caFile), certificate \(tls.certificateFile ?? "none"))")
            try check(mosquitto_tls_opts_set(handle, 1, tls.minimumVersion, tls.ciphers), "TLS options")
            try check(mosquitto_tls_insecure_set(handle, !tls.verifyHostname), "TLS hostname check")
        }
        if let will = configuration.will {
            let rc = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set_v5(handle, will.topic, Int32(bytes.count), bytes.baseAddress, will.qos.rawValue,
                                      will.retain, nil)
            }
            try check(rc, "last will on \(will.topic)")
        }
    }

    private static func session(_ context: UnsafeMutableRawPointer?) -> MosquittoSession? {
        context.map { Unmanaged<MosquittoSession>.fromOpaque($0).takeUnretainedValue() }
    }

    private func installCallbacks() {
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

    // MARK: Callbacks (network thread)

    private func handleConnack(reason: Int32, flags: Int32) {
        condition.lock()
        if reason == 0 {
            state.connack = .accepted(sessionPresent: flags & 1 != 0)
        } else {
            state.connack = .refused(.reasonCode(.connectionRefused, reason, "broker refused the connection"))
        }
        condition.unlock()
    }

    private func handlePublishAck(mid: Int32, reason: Int32) {
        condition.lock()
        let pending = state.publishes.removeValue(forKey: mid)
        if let pending { state.publishTokens.removeValue(forKey: pending.token) }
        condition.unlock()
        let waiter = pending?.waiter
        if reason >= 0x80 {
            waiter?.resume(throwing: MQTTError.reasonCode(.publishRefused, reason, "broker refused the publish"))
        } else {
            waiter?.resume()
        }
    }

    private func handleSubscribeAck(mid: Int32, granted: Int32) {
        condition.lock()
        let waiter = state.subscribes.removeValue(forKey: mid)
        if state.resubscribes.removeValue(forKey: mid) != nil, granted >= 0x80 { state.statistics.subscriptionsRefused += 1 }
        condition.unlock()
        if granted >= 0x80 {
            waiter?.resume(throwing: MQTTError.reasonCode(.subscribeRefused, granted, "broker refused the subscription"))
        } else {
            waiter?.resume()
        }
    }

    private func handleUnsubscribeAck(mid: Int32) {
        condition.lock()
        let waiter = state.unsubscribes.removeValue(forKey: mid)
        condition.unlock()
        waiter?.resume()
    }

    private func handleMessage(_ received: MQTTMessage, packetID: Int32) {
        condition.lock()
        defer { condition.unlock() }
        state.statistics.messagesReceived += 1
        var message = received
        if configuration.manualAcknowledgements, message.qos >= .atLeastOnce {
            // Its PUBACK is queued already; the network thread writes nothing until it is acknowledged.
            message.acknowledgement = MQTTAcknowledgement(connection: state.connection, packetID: packetID)
            state.unacknowledged.insert(packetID)
        }
        var delivered = false
        for subscription in state.subscriptions.values
        where MQTTTopic.matches(filter: subscription.matchFilter, topic: message.topic) {
            switch subscription.continuation.yield(message) {
            case .enqueued: delivered = true
            case .dropped: delivered = true; state.statistics.messagesDropped += 1
            case .terminated: break
            @unknown default: delivered = true
            }
        }
        if !delivered {
            if state.orphans.count < Self.orphanLimit {
                state.orphans.append(message)
            } else {
                state.statistics.messagesDropped += 1
            }
        }
    }

    // MARK: Network thread

    private func startThread(first action: ReconnectStateMachine.Action) {
        let thread = Thread { [self] in runNetworkLoop(first: action) }
        thread.name = "mqtt \(configuration.clientID)"
        thread.start()
    }

    func locked<T>(_ body: (inout State) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(&state)
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
                let deadline = Date().addingTimeInterval(seconds)
                condition.lock()
                while !state.stopRequested && condition.wait(until: deadline) {}
                let stop = state.stopRequested
                action = stop ? state.machine.stop() : state.machine.waitElapsed()
                condition.unlock()
            case .disconnect:
                mosquitto_disconnect_v5(handle, 0, nil)
                let deadline = Date().addingTimeInterval(1)
                while Date() < deadline, mosquitto_want_write(handle),
                      loopOnce(timeoutMilliseconds: 50) == MosquittoLibrary.success {}
                // Messages still unacknowledged must not be acknowledged by a flush: drop the connection instead,
                // so the broker delivers them again.
                if !locked({ $0.unacknowledged.isEmpty }) { breakConnection() }
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

    /// One connection attempt: TCP and TLS, CONNECT, then the loop until CONNACK, an error or the timeout.
    private func connectOnce() -> ReconnectStateMachine.Action {
        locked { state in
            state.connack = nil
            // PUBACKs queued on the previous connection are discarded by libmosquitto's reconnect; the broker
            // delivers those messages again, and acknowledging the old copies must not touch the new ones.
            state.connection += 1
            state.unacknowledged = []
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
            let (action, waiters) = locked { state -> (ReconnectStateMachine.Action, [CheckedContinuation<Void, Error>]) in
                state.statistics.connects += 1
                // Subscribes still waiting for a SUBACK were lost with the previous connection; the loop
                // below sends every registered filter again, so they are answered now rather than never.
                let waiters = state.connectWaiters + Array(state.subscribes.values)
                state.subscribes = [:]
                state.connectWaiters = []
                // Re-subscribe on every connect, not only when the broker lost the session: Mosquitto 2.0
                // does not keep `$share/…` subscriptions across a restart even when it reports a session.
                // SUBSCRIBE is idempotent; retained messages may arrive again and consumers dedupe them.
                resubscribeLocked(&state)
                return (state.machine.connectSucceeded(), waiters)
            }
            eventSink.yield(.connected(sessionPresent: sessionPresent))
            waiters.forEach { $0.resume() }
            return action
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

    /// Subscribes again to every filter (the broker had no session for us). Called with the lock held.
    private func resubscribeLocked(_ state: inout State) {
        state.resubscribes = [:]
        for subscription in state.subscriptions.values {
            var mid: Int32 = 0
            if mosquitto_subscribe_v5(handle, &mid, subscription.filter, subscription.qos.rawValue, 0, nil)
                == MosquittoLibrary.success {
                state.resubscribes[mid] = subscription.filter
            }
        }
    }

    /// Ends the thread's run: everyone waiting is answered; subscriptions end when the stop was requested.
    private func finish(error: MQTTError?) {
        condition.lock()
        let requested = state.stopRequested
        let connectWaiters = state.connectWaiters, stopWaiters = state.stopWaiters
        let publishes = state.publishes.values.map(\.waiter), subscribes = Array(state.subscribes.values)
        let unsubscribes = Array(state.unsubscribes.values)
        let streams = requested ? state.subscriptions.values.map(\.continuation) : []
        state.connectWaiters = []
        state.stopWaiters = []
        state.publishes = [:]
        state.publishTokens = [:]
        state.subscribes = [:]
        state.unsubscribes = [:]
        if requested { state.subscriptions = [:] }
        state.threadRunning = false
        state.stopRequested = false
        condition.unlock()
        let failure = error ?? MQTTError(.notConnected, detail: "the client disconnected")
        connectWaiters.forEach { $0.resume(throwing: failure) }
        let closed = MQTTError(.notConnected, detail: "the client stopped before the broker answered")
        publishes.forEach { $0.resume(throwing: closed) }
        subscribes.forEach { $0.resume(throwing: closed) }
        unsubscribes.forEach { $0.resume() }
        streams.forEach { $0.finish() }
        stopWaiters.forEach { $0.resume() }
    }

    // MARK: API (any thread)

    /// Starts connecting; with `wait`, suspends until connected or (failFast) refused.
    func connect(failFast: Bool) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            condition.lock()
            if state.machine.state == .connected {
                condition.unlock()
                continuation.resume()
                return
            }
            state.connectWaiters.append(continuation)
            let first = startLocked(failFast: failFast)
            condition.unlock()
            if let first { startThread(first: first) }
        }
    }

    /// Starts connecting in the background, retrying until `disconnect()`.
    func start() {
        condition.lock()
        let first = startLocked(failFast: false)
        condition.unlock()
        if let first { startThread(first: first) }
    }

    private func startLocked(failFast: Bool) -> ReconnectStateMachine.Action? {
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

    var isConnected: Bool { locked { $0.machine.state == .connected } }
    var statistics: MQTTStatistics { locked { $0.statistics } }

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
        let token = locked { state -> UInt64 in
            defer { state.nextToken += 1 }
            return state.nextToken
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                condition.lock()
                guard state.threadRunning else {
                    condition.unlock()
                    continuation.resume(throwing: MQTTError(.notConnected, detail: "connect() before publishing to \(topic)"))
                    return
                }
                var mid: Int32 = 0
                let rc = rawPublish(topic: topic, payload: payload, qos: qos, retain: retain, mid: &mid)
                // While disconnected, libmosquitto queues a QoS 1 message (it has its mid) and answers
                // MOSQ_ERR_NO_CONN; it sends it on reconnection, and the PUBACK completes this call.
                guard rc == MosquittoLibrary.success || (rc == MosquittoLibrary.noConnection && mid != 0) else {
                    condition.unlock()
                    continuation.resume(throwing: publishError(rc, topic: topic))
                    return
                }
                state.publishes[mid] = (token, continuation)
                state.publishTokens[token] = mid
                state.statistics.messagesPublished += 1
                condition.unlock()
                wake()
            }
        } onCancel: {
            let waiter = locked { state -> CheckedContinuation<Void, Error>? in
                guard let mid = state.publishTokens.removeValue(forKey: token) else { return nil }
                return state.publishes.removeValue(forKey: mid)?.waiter
            }
            waiter?.resume(throwing: CancellationError())
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

    func subscribe(filter: String, qos: QoS) async throws -> (UInt64, AsyncStream<MQTTMessage>) {
        try MQTTTopic.validateFilter(filter)
        let (token, stream) = register(filter: filter, qos: qos)
        do {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, Error>) in
                condition.lock()
                var mid: Int32 = 0
                let rc = mosquitto_subscribe_v5(handle, &mid, filter, qos.rawValue, 0, nil)
                guard rc == MosquittoLibrary.success else {
                    condition.unlock()
                    waiter.resume(throwing: rc == MosquittoLibrary.noConnection
                        ? MQTTError(.notConnected, reason: rc, detail: "connect() before subscribing to \(filter)")
                        : MQTTError.library(.subscribeRefused, rc, "subscribe to \(filter)"))
                    return
                }
                state.subscribes[mid] = waiter
                condition.unlock()
                wake()
            }
        } catch {
            removeSubscription(token)
            throw error
        }
        return (token, stream)
    }

    /// Adds a subscription locally (its stream receives matching messages from now on, including those held
    /// for no subscription yet) without sending SUBSCRIBE; every connection sends it.
    func register(filter: String, qos: QoS) -> (UInt64, AsyncStream<MQTTMessage>) {
        // With manual acknowledgements the broker's Receive Maximum bounds what is outstanding: never drop.
        let policy: AsyncStream<MQTTMessage>.Continuation.BufferingPolicy = configuration.manualAcknowledgements
            ? .unbounded : .bufferingOldest(configuration.subscriptionBufferLimit)
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTMessage.self, bufferingPolicy: policy)
        let matchFilter = MQTTTopic.matchFilter(filter)
        let token = locked { state -> UInt64 in
            let token = state.nextToken
            state.nextToken += 1
            state.subscriptions[token] = Subscription(filter: filter, matchFilter: matchFilter, qos: qos, continuation: continuation)
            // Deliver what a resumed session sent before this subscription existed.
            var kept: [MQTTMessage] = []
            for message in state.orphans {
                if MQTTTopic.matches(filter: matchFilter, topic: message.topic) {
                    if case .dropped = continuation.yield(message) { state.statistics.messagesDropped += 1 }
                } else {
                    kept.append(message)
                }
            }
            state.orphans = kept
            return token
        }
        // A consumer that stops iterating (its task cancelled) no longer receives: forget it locally.
        continuation.onTermination = { [weak self] _ in
            _ = self?.locked { $0.subscriptions.removeValue(forKey: token) }
        }
        return (token, stream)
    }

    /// Forgets a subscription locally and ends its stream.
    func removeSubscription(_ token: UInt64) {
        let subscription = locked { $0.subscriptions.removeValue(forKey: token) }
        subscription?.continuation.finish()
    }

    func unsubscribe(_ token: UInt64) async throws {
        guard let subscription = locked({ $0.subscriptions.removeValue(forKey: token) }) else { return }
        subscription.continuation.finish()
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, Error>) in
            condition.lock()
            var mid: Int32 = 0
            let rc = mosquitto_unsubscribe_v5(handle, &mid, subscription.filter, nil)
            guard rc == MosquittoLibrary.success else {
                condition.unlock()
                // Not connected: a clean-start session will not restore it; a persistent one keeps it until
                // the next unsubscribe.
                waiter.resume(throwing: MQTTError.library(.notConnected, rc, "unsubscribe from \(subscription.filter)"))
                return
            }
            state.unsubscribes[mid] = waiter
            condition.unlock()
            wake()
        }
    }

    /// Closes the socket under the client, as a network failure would (tests of reconnection).
    func breakConnection() {
        let socket = mosquitto_socket(handle)
        if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
    }
}
