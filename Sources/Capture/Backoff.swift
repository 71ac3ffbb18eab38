// Exponential backoff for reopening a device: a pure value, tested without a device.

/// Delays of `initial`, `initial·factor`, … capped at `maximum`; `reset()` after a success.
public struct Backoff: Sendable, Equatable {
    public let initial: Double
    public let maximum: Double
    public let factor: Double
    /// Failed attempts since the last reset.
    public private(set) var attempts = 0

    public init(initial: Double = 0.25, maximum: Double = 10, factor: Double = 2) {
        self.initial = max(0, initial)
        self.maximum = max(self.initial, maximum)
        self.factor = max(1, factor)
    }

    /// The delay before the next attempt, and counts the attempt.
    public mutating func nextDelay() -> Double {
        let delay = min(maximum, initial * pow(factor, Double(attempts)))
        attempts += 1
        return delay
    }

    /// Back to the initial delay.
    public mutating func reset() { attempts = 0 }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var n = Int(min(exponent, 64))
        while n > 0 { result *= base; n -= 1 }
        return result
    }
}
