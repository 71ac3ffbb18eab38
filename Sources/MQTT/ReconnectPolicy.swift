import Foundation

/// Exponential backoff with jitter between connection attempts.
///
/// Attempt n (0-based) waits `min(maxDelay, initialDelay × multiplier^n)` seconds, reduced by a random
/// fraction of up to `jitter` (0.2: the wait lies in 80–100 % of the backoff), so a fleet that lost its broker
/// at the same moment does not return at the same moment.
public struct ReconnectPolicy: Sendable, Equatable {
    public var initialDelay: Double
    public var maxDelay: Double
    public var multiplier: Double
    public var jitter: Double
    /// Whether `connect()` throws on the first failed attempt (true) or keeps retrying in the background.
    public var failFirstConnect: Bool

    public init(initialDelay: Double = 0.5, maxDelay: Double = 60, multiplier: Double = 2, jitter: Double = 0.2,
                failFirstConnect: Bool = true) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.jitter = jitter
        self.failFirstConnect = failFirstConnect
    }

    /// The wait before attempt `attempt`, with `random` drawn uniformly from 0..<1.
    public func delay(attempt: Int, random: Double) -> Double {
        let exponent = Double(max(0, min(attempt, 64)))
        let backoff = min(maxDelay, initialDelay * pow(multiplier, exponent))
        return backoff * (1 - jitter * min(max(random, 0), 1))
    }

    func validate() throws {
        guard initialDelay >= 0, maxDelay >= initialDelay, multiplier >= 1, (0...1).contains(jitter) else {
            throw MQTTError(.invalidConfiguration,
                            detail: "reconnect policy needs 0 ≤ initialDelay ≤ maxDelay, multiplier ≥ 1, jitter in 0...1")
        }
    }
}
