/// The connection lifecycle as a pure value: events in, actions out. The client's network thread feeds it what
/// happened and performs what it returns; the tests drive it without sockets.
///
/// ```
/// idle ─start→ connecting ─succeeded→ connected ─lost→ waiting ─elapsed→ connecting …
///                  │ failed (first, failFirstConnect) → failed
///                  └ failed → waiting (attempt + 1)
/// any ─stop→ (connected: disconnecting → finished) (else finished)
/// ```
public struct ReconnectStateMachine: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case idle
        case connecting(attempt: Int)
        case connected
        case waiting(attempt: Int)
        case disconnecting
        case finished
        case failed(MQTTError)
    }

    public enum Action: Sendable, Equatable {
        /// Open the connection (TCP, TLS, CONNECT) and wait for CONNACK.
        case connect
        /// Keep running the network loop.
        case run
        /// Wait this many seconds, then report `waitElapsed()`.
        case wait(seconds: Double)
        /// Send DISCONNECT, then report `disconnected()`.
        case disconnect
        /// Stop the network thread: everything waiting gets `.notConnected`.
        case finish
        /// Stop, and hand this error to whoever waits for `connect()`.
        case fail(MQTTError)
        /// Nothing to do.
        case none
    }

    public private(set) var state: State = .idle
    /// Whether a connection ever succeeded in this run.
    public private(set) var hasConnected = false
    public let policy: ReconnectPolicy

    public init(policy: ReconnectPolicy) { self.policy = policy }

    /// The client asked to connect.
    public mutating func start() -> Action {
        switch state {
        case .idle, .finished, .failed:
            state = .connecting(attempt: 0)
            hasConnected = false
            return .connect
        default:
            return .none
        }
    }

    /// CONNACK with success arrived.
    public mutating func connectSucceeded() -> Action {
        guard case .connecting = state else { return .none }
        state = .connected
        hasConnected = true
        return .run
    }

    /// The attempt failed (TCP, TLS, CONNACK refusal, timeout). `random` in 0..<1 draws the jitter.
    public mutating func connectFailed(_ error: MQTTError, random: Double) -> Action {
        guard case let .connecting(attempt) = state else { return .none }
        if !hasConnected && policy.failFirstConnect {
            state = .failed(error)
            return .fail(error)
        }
        state = .waiting(attempt: attempt + 1)
        return .wait(seconds: policy.delay(attempt: attempt, random: random))
    }

    /// An established connection dropped.
    public mutating func connectionLost(random: Double) -> Action {
        guard case .connected = state else { return .none }
        state = .waiting(attempt: 1)
        return .wait(seconds: policy.delay(attempt: 0, random: random))
    }

    /// The wait is over.
    public mutating func waitElapsed() -> Action {
        guard case let .waiting(attempt) = state else { return .none }
        state = .connecting(attempt: attempt)
        return .connect
    }

    /// The client asked to disconnect.
    public mutating func stop() -> Action {
        switch state {
        case .connected:
            state = .disconnecting
            return .disconnect
        case .connecting, .waiting, .idle:
            state = .finished
            return .finish
        case .disconnecting, .finished, .failed:
            return .none
        }
    }

    /// DISCONNECT was sent (or the socket closed while sending it).
    public mutating func disconnected() -> Action {
        guard case .disconnecting = state else { return .none }
        state = .finished
        return .finish
    }

    /// The attempt number of the current or next connection attempt (0 while connected).
    public var attempt: Int {
        switch state {
        case let .connecting(attempt), let .waiting(attempt): return attempt
        default: return 0
        }
    }
}
