// Delivers one notification to one webhook: POST of the signed JSON body, retried with backoff until a 2xx
// (never sent again after it), a refusal, or the last attempt. Every attempt and outcome is counted.
import AsyncHTTPClient
import Foundation
import Logging

/// Posts notifications to webhooks over HTTP(S) with retries. Owns an HTTP client: call `shutdown()` when done.
public final class WebhookSender: Sendable {
    /// How a delivery ended.
    public enum Outcome: Sendable, Equatable {
        /// The receiver answered 2xx with this status.
        case delivered(status: Int)
        /// The receiver refused it for good (3xx or a 4xx that is not worth retrying).
        case refused(status: Int)
        /// Every attempt failed; the last failure in words.
        case exhausted(lastFailure: String)
        /// The task was cancelled (the cloud is stopping); the delivery is still owed.
        case cancelled
    }

    /// What happened to one delivery.
    public struct Report: Sendable, Equatable {
        public var outcome: Outcome
        public var attempts: Int
        /// The last failed attempt's failure, also when a later attempt delivered (nil: none failed).
        public var lastFailure: String?

        public init(outcome: Outcome, attempts: Int, lastFailure: String? = nil) {
            self.outcome = outcome
            self.attempts = attempts
            self.lastFailure = lastFailure
        }
    }

    public let policy: WebhookRetryPolicy
    let client: HTTPClient
    let metrics: CloudMetrics
    let logger: Logger
    let jitter: @Sendable () -> Double
    let clock: @Sendable () -> Date

    /// A sender with its own HTTP client (redirects not followed: a webhook URL is what the admin entered).
    public init(policy: WebhookRetryPolicy, metrics: CloudMetrics, logger: Logger,
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0 ..< 1) },
                clock: @escaping @Sendable () -> Date = { Date() }) throws(CloudError) {
        try policy.validate()
        self.policy = policy
        self.metrics = metrics
        self.logger = logger
        self.jitter = jitter
        self.clock = clock
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .milliseconds(Int64(Self.milliseconds(policy.timeout))),
                                      read: .milliseconds(Int64(Self.milliseconds(policy.timeout))))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the HTTP client's connections.
    public func shutdown() async {
        do { try await client.shutdown() } catch { logger.warning("webhook client shutdown: \(error)") }
    }

    /// Delivers `event` to `endpoint` under `deliveryID` (the same id on every attempt, so a receiver can drop
    /// a retry of something it already processed).
    public func deliver(_ event: NotificationEvent, deliveryID: String, to endpoint: WebhookEndpoint) async -> Report {
        let body: Data
        do { body = try event.json() } catch {
            return Report(outcome: .refused(status: 0), attempts: 0, lastFailure: "\(error)")
        }
        var attempt = 0
        var lastFailure: String?
        while attempt < policy.maximumAttempts {
            attempt += 1
            var retryAfter: Duration?
            do {
                let (status, after) = try await post(body, event: event, deliveryID: deliveryID, to: endpoint)
                retryAfter = after
                metrics.increment("rollcall_cloud_webhook_attempts_total", labels: ["status": String(status)])
                switch WebhookRetryPolicy.verdict(status: status) {
                case .delivered:
                    metrics.increment("rollcall_cloud_webhook_deliveries_total", labels: ["outcome": "delivered"])
                    return Report(outcome: .delivered(status: status), attempts: attempt, lastFailure: lastFailure)
                case .refused:
                    metrics.increment("rollcall_cloud_webhook_deliveries_total", labels: ["outcome": "refused"])
                    logger.warning("webhook \(NotificationDispatcher.shown(endpoint.url)) refused delivery \(deliveryID) with HTTP \(status)")
                    return Report(outcome: .refused(status: status), attempts: attempt, lastFailure: "HTTP \(status)")
                case .retry:
                    lastFailure = "HTTP \(status)"
                }
            } catch {
                if Task.isCancelled { return Report(outcome: .cancelled, attempts: attempt, lastFailure: lastFailure) }
                metrics.increment("rollcall_cloud_webhook_attempts_total", labels: ["status": "error"])
                lastFailure = "\(error)"
            }
            guard attempt < policy.maximumAttempts else { break }
            let wait = policy.delay(afterAttempt: attempt, retryAfter: retryAfter, jitter: jitter())
            do { try await Task.sleep(for: wait) } catch {
                return Report(outcome: .cancelled, attempts: attempt, lastFailure: lastFailure)
            }
        }
        metrics.increment("rollcall_cloud_webhook_deliveries_total", labels: ["outcome": "exhausted"])
        let failure = lastFailure ?? "no attempt"
        logger.warning("webhook \(NotificationDispatcher.shown(endpoint.url)) gave up on delivery \(deliveryID) after \(attempt) attempts: \(failure)")
        return Report(outcome: .exhausted(lastFailure: failure), attempts: attempt, lastFailure: failure)
    }

    /// One attempt: the status and any `Retry-After` in seconds.
    private func post(_ body: Data, event: NotificationEvent, deliveryID: String,
                      to endpoint: WebhookEndpoint) async throws -> (Int, Duration?) {
        var request = HTTPClientRequest(url: endpoint.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "rollcall-cloud")
        request.headers.add(name: WebhookSignature.eventHeader, value: event.kind.rawValue)
        request.headers.add(name: WebhookSignature.deliveryHeader, value: deliveryID)
        let timestamp = Int64(clock().timeIntervalSince1970)
        request.headers.add(name: WebhookSignature.header,
                            value: WebhookSignature.sign(body, timestamp: timestamp, secret: endpoint.secret))
        request.body = .bytes(Array(body))
        let response = try await client.execute(request, timeout: .milliseconds(Int64(Self.milliseconds(policy.timeout))))
        // Read (and drop) a bounded body so the connection can be reused.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }.map { Duration.seconds(max(0, $0)) }
        return (Int(response.status.code), retryAfter)
    }

    private static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
