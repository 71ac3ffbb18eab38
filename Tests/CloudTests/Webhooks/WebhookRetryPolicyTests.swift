import Cloud
import Testing

@Suite struct WebhookRetryPolicyTests {
    let policy = WebhookRetryPolicy(maximumAttempts: 6, initialDelay: .seconds(1), multiplier: 2, maximumDelay: .seconds(10))

    @Test func statusesAreDeliveredRetriedOrRefused() {
        for s in [200, 201, 204, 299] { #expect(WebhookRetryPolicy.verdict(status: s) == .delivered) }
        for s in [408, 425, 429, 500, 502, 503, 599] { #expect(WebhookRetryPolicy.verdict(status: s) == .retry) }
        for s in [301, 302, 400, 401, 403, 404, 410, 422, 100] { #expect(WebhookRetryPolicy.verdict(status: s) == .refused) }
    }

    @Test func delaysGrowExponentiallyWithJitterUpToTheCap() {
        #expect(policy.delay(afterAttempt: 1, jitter: 0) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 1, jitter: 0.999_999) == .milliseconds(1000))
        #expect(policy.delay(afterAttempt: 3, jitter: 1) == .seconds(4))
        #expect(policy.delay(afterAttempt: 3, jitter: 0) == .seconds(2))
        #expect(policy.delay(afterAttempt: 10, jitter: 1) == .seconds(10))
        #expect(policy.delay(afterAttempt: 1000, jitter: 0.5) == .milliseconds(7500))
    }

    @Test func retryAfterIsHonouredUpToTheCap() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(7), jitter: 0) == .seconds(7))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3600), jitter: 0) == .seconds(10))
        #expect(policy.delay(afterAttempt: 4, retryAfter: .seconds(1), jitter: 1) == .seconds(8))
    }

    @Test func settingsAreValidated() {
        #expect(throws: CloudError.self) { try WebhookRetryPolicy(maximumAttempts: 0).validate() }
        #expect(throws: CloudError.self) { try WebhookRetryPolicy(initialDelay: .zero).validate() }
        #expect(throws: CloudError.self) { try WebhookRetryPolicy(initialDelay: .seconds(5), maximumDelay: .seconds(1)).validate() }
        #expect(throws: CloudError.self) { try WebhookRetryPolicy(multiplier: 0.5).validate() }
        #expect(throws: CloudError.self) { try WebhookRetryPolicy(timeout: .seconds(1000)).validate() }
    }
}
