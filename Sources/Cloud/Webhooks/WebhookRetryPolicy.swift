import Foundation

/// How a webhook delivery is retried: what each response means and how long to wait before the next try.
public struct WebhookRetryPolicy: Sendable, Equatable {
    /// What one attempt's response means.
    public enum Verdict: Sendable, Equatable {
        /// 2xx: delivered; never sent again.
        case delivered
        /// No response, timeout, 408, 425, 429 or 5xx: try again later.
        case retry
        /// Any other status (3xx: redirects are not followed; 4xx: the receiver refuses it): give up.
        case refused
    }

    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    /// Wait before the second attempt; each later wait is `multiplier` times the previous, up to `maximumDelay`.
    public var initialDelay: Duration
    public var multiplier: Double
    public var maximumDelay: Duration
    /// Limit on one attempt (connect, send and response).
    public var timeout: Duration

    public init(maximumAttempts: Int = 8, initialDelay: Duration = .seconds(1), multiplier: Double = 2,
                maximumDelay: Duration = .seconds(300), timeout: Duration = .seconds(10)) {
        self.maximumAttempts = maximumAttempts
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.timeout = timeout
    }

    /// Throws, naming the setting, for a value out of bounds.
    public func validate() throws(CloudError) {
        guard (1 ... 100).contains(maximumAttempts) else {
            throw CloudError(.invalidConfig, "must be 1…100", subject: "webhooks.max_attempts")
        }
        guard initialDelay > .zero, maximumDelay >= initialDelay, multiplier.isFinite, multiplier >= 1 else {
            throw CloudError(.invalidConfig, "delays must be positive, the maximum at least the initial, the multiplier ≥ 1",
                             subject: "webhooks.backoff")
        }
        guard timeout > .zero, timeout <= .seconds(300) else {
            throw CloudError(.invalidConfig, "must be more than 0 and at most 300 seconds", subject: "webhooks.timeout")
        }
    }

    /// The verdict on an HTTP status.
    public static func verdict(status: Int) -> Verdict {
        switch status {
        case 200 ..< 300: .delivered
        case 408, 425, 429, 500 ..< 600: .retry
        default: .refused
        }
    }

    /// The wait after failed attempt number `attempt` (1-based): exponential, capped, with "equal jitter"
    /// (half fixed, half `jitter` ∈ [0, 1) of it) so many deliveries failing together do not retry in step.
    /// A receiver's `Retry-After` is honoured when longer, up to the cap.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil, jitter: Double) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let base = min(seconds(initialDelay) * Swift.max(1, Foundation.pow(multiplier, min(exponent, 64))), seconds(maximumDelay))
        let jittered = base / 2 + base / 2 * min(max(jitter, 0), 1)
        let wanted = max(jittered, retryAfter.map(seconds) ?? 0)
        return .milliseconds(Int64((min(wanted, seconds(maximumDelay)) * 1000).rounded()))
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
