// Limits failed logins per client address: after `limit` failures within a minute the address is answered 429
// until that minute is over. In memory, per cloud process (several processes each allow `limit`).
import Foundation
import Synchronization

/// Counts failed logins (dashboard form and unknown bearer tokens) per client address.
public final class LoginThrottle: Sendable {
    private struct Window {
        var start: Date
        var failures: Int
    }

    let limit: Int
    let window: TimeInterval
    /// Addresses remembered at most; the oldest windows are dropped first beyond it.
    let capacity: Int
    private let windows = Mutex<[String: Window]>([:])

    public init(failuresPerMinute limit: Int, window: TimeInterval = 60, capacity: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Throws `.tooManyRequests` while `address` has used up its failures in the current window.
    public func check(_ address: String, at time: Date = Date()) throws(CloudError) {
        let retryAfter = windows.withLock { windows -> Int? in
            guard let current = windows[address], time.timeIntervalSince(current.start) < window,
                  current.failures >= limit else { return nil }
            return max(1, Int((window - time.timeIntervalSince(current.start)).rounded(.up)))
        }
        if let retryAfter {
            throw CloudError(.tooManyRequests, "too many failed logins from this address; retry in \(retryAfter) s",
                             subject: "login")
        }
    }

    /// Records one failed login from `address`.
    public func recordFailure(_ address: String, at time: Date = Date()) {
        windows.withLock { windows in
            if var current = windows[address], time.timeIntervalSince(current.start) < window {
                current.failures += 1
                windows[address] = current
                return
            }
            if windows.count >= capacity {
                windows = windows.filter { time.timeIntervalSince($0.value.start) < window }
                if windows.count >= capacity, let oldest = windows.min(by: { $0.value.start < $1.value.start }) {
                    windows.removeValue(forKey: oldest.key)
                }
            }
            windows[address] = Window(start: time, failures: 1)
        }
    }
}
