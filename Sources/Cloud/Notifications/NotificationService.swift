// Runs the notification checks in one aggregator at a time and delivers what they find. The aggregator that
// holds the `notifications` job (PostgreSQL advisory lock, kept for as long as it runs) checks every
// `check_interval_seconds`; the others wait and take over if it goes away (then their first round records the
// state without notifying it again).
import Foundation
import Logging
import MQTT
import ServiceLifecycle
import Synchronization

/// The notification service: checks on a timer, delivers each event in the background (bounded).
public struct NotificationService: Service {
    /// Most deliveries in progress (webhooks retrying included); events beyond are dropped and counted.
    public static let deliveriesInFlightLimit = 1_000

    let checker: NotificationChecker
    let dispatcher: NotificationDispatcher
    let store: any Store
    let interval: Double
    let metrics: CloudMetrics
    let logger: Logger

    public init(checker: NotificationChecker, dispatcher: NotificationDispatcher, store: any Store, interval: Double,
                metrics: CloudMetrics, logger: Logger) {
        self.checker = checker
        self.dispatcher = dispatcher
        self.store = store
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: NotificationEvent.self, bufferingPolicy: .unbounded)
        let inFlight = Counter()
        await withDiscardingTaskGroup { group in
            group.addTask {
                await check(into: continuation)
                continuation.finish()
            }
            for await event in events {
                guard inFlight.enter(limit: Self.deliveriesInFlightLimit) else {
                    metrics.increment("rollcall_cloud_notifications_dropped_total", labels: ["reason": "backlog"])
                    logger.warning("notification \(event.key) dropped: \(Self.deliveriesInFlightLimit) deliveries in progress")
                    continue
                }
                group.addTask {
                    await dispatcher.dispatch(event)
                    inFlight.leave()
                }
            }
            // Stopping: deliveries still retrying are given up (counted).
            let left = inFlight.value
            if left > 0 {
                metrics.increment("rollcall_cloud_notifications_dropped_total", labels: ["reason": "shutdown"], by: Double(left))
            }
            group.cancelAll()
        }
        await dispatcher.shutdown()
    }

    /// Takes the job when no other aggregator holds it, and checks until stopping.
    private func check(into continuation: AsyncStream<NotificationEvent>.Continuation) async {
        let checker = self.checker, interval = self.interval, metrics = self.metrics, logger = self.logger
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                _ = try await store.exclusively("notifications") {
                    while !Task.isCancelled, !Task.isShuttingDownGracefully {
                        do {
                            for event in try await checker.round() { continuation.yield(event) }
                        } catch {
                            metrics.increment("rollcall_cloud_notifications_errors_total")
                            logger.error("notification check failed: \(error)")
                        }
                        try? await gracefulShutdownSleep(seconds: interval)
                    }
                    return 0
                }
            } catch {
                metrics.increment("rollcall_cloud_notifications_errors_total")
                logger.error("notification job: \(error)")
            }
            try? await gracefulShutdownSleep(seconds: interval)
        }
    }

    /// Deliveries in progress.
    final class Counter: Sendable {
        private let count = Mutex(0)

        func enter(limit: Int) -> Bool {
            count.withLock {
                guard $0 < limit else { return false }
                $0 += 1
                return true
            }
        }

        func leave() { count.withLock { $0 -= 1 } }

        var value: Int { count.withLock { $0 } }
    }
}

extension CloudApp {
    /// The notification service of `config` (nil when no rule is on). Reads each webhook's secret file; a
    /// broker client publishes the topic unless `notifications.mqtt` is false.
    static func notificationServices(_ aggregator: Aggregator, mqtt: MQTTClient?,
                                     logger: Logger) throws(CloudError) -> [any Service] {
        let config = aggregator.config
        guard config.notifications.enabled else { return [] }
        try config.notifications.rules.validate()
        var endpoints = [WebhookEndpoint]()
        for (index, hook) in config.webhooks.endpoints.enumerated() {
            let secret: String
            do {
                secret = try String(contentsOfFile: hook.secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw CloudError(.invalidConfig, "cannot read the secret file \(hook.secretFile): \(error.localizedDescription)",
                                 subject: "webhooks.endpoints[\(index)].secret_file")
            }
            do {
                endpoints.append(try WebhookEndpoint(id: Int64(index), url: hook.url, secret: secret, events: hook.events))
            } catch {
                throw CloudError(.invalidConfig, error.detail, subject: "webhooks.endpoints[\(index)].\(error.subject ?? "url")")
            }
        }
        let dispatcher = try NotificationDispatcher(
            mqtt: config.notifications.mqtt ? mqtt : nil, webhooks: endpoints, retry: config.webhooks.retry,
            log: aggregator.store, metrics: aggregator.metrics, logger: logger)
        if endpoints.isEmpty, !(config.notifications.mqtt && mqtt != nil) {
            logger.warning("notification rules are on but nothing receives them: no webhook, and no broker topic (mqtt.host or notifications.mqtt); they are only counted")
        }
        let checker = NotificationChecker(store: aggregator.store, rules: config.notifications.rules, metrics: aggregator.metrics)
        return [NotificationService(checker: checker, dispatcher: dispatcher, store: aggregator.store,
                                    interval: config.notifications.checkIntervalSeconds, metrics: aggregator.metrics,
                                    logger: logger)]
    }
}
