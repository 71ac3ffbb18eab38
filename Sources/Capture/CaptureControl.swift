// A stop flag with an interruptible sleep, shared by a capture thread and whoever stops it.
import Foundation

/// Lets a capture thread sleep (for pacing, backoff) while staying stoppable at once.
public final class CaptureControl: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false

    public init() {}

    /// True once `stop()` was called.
    public var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Asks the capture thread to finish; wakes it if it is sleeping.
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Sleeps up to `seconds`; returns false if stopped before or during the sleep.
    @discardableResult
    public func sleep(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: max(0, seconds))
        condition.lock()
        defer { condition.unlock() }
        while !stopped {
            if !condition.wait(until: deadline) { break }
        }
        return !stopped
    }
}
