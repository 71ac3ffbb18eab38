// Sends one notification everywhere it is wanted: the MQTT topic `rollcall/v1/notifications/{kind}` (QoS 1,
// not retained; JSON body) and every webhook subscribed to its kind (signed POST, retried with backoff). Each
// delivery, once ended, is written to the notification log (`NotificationStore`) with its outcome.
import Foundation
import Logging
import MQTT

/// Delivers notification events to the broker and the webhooks. Call `shutdown()` when done.
public struct NotificationDispatcher: Sendable {
    /// The topic of `kind`'s events.
    public static func topic(_ kind: NotificationEvent.Kind) -> String { "rollcall/v1/notifications/\(kind.rawValue)" }

    let mqtt: MQTTClient?
    let webhooks: [WebhookEndpoint]
    let sender: WebhookSender?
    let log: (any NotificationStore)?
    let metrics: CloudMetrics
    let logger: Logger

    /// `mqtt` nil: no topic (no broker, or `notifications.mqtt: false`). A sender is made when there are webhooks.
    /// `log` nil: deliveries are not stored (only counted and logged).
    public init(mqtt: MQTTClient?, webhooks: [WebhookEndpoint], retry: WebhookRetryPolicy, log: (any NotificationStore)? = nil,
                metrics: CloudMetrics, logger: Logger) throws(CloudError) {
        self.mqtt = mqtt
        self.webhooks = webhooks
        self.log = log
        self.metrics = metrics
        self.logger = logger
        sender = webhooks.isEmpty ? nil : try WebhookSender(policy: retry, metrics: metrics, logger: logger)
    }

    /// Publishes `event` and delivers it to each webhook that wants its kind, concurrently; returns when every
    /// delivery has ended (delivered, refused, given up or cancelled). Failures are logged and counted.
    public func dispatch(_ event: NotificationEvent) async {
        await withDiscardingTaskGroup { group in
            if let mqtt {
                group.addTask { await publish(event, on: mqtt) }
            }
            if let sender {
                for (index, endpoint) in webhooks.enumerated() where endpoint.events.contains(event.kind) {
                    // One id for every attempt of this event to this endpoint: receivers drop repeats by it.
                    let deliveryID = "\(endpoint.id ?? Int64(index)):\(event.key)"
                    group.addTask {
                        let report = await sender.deliver(event, deliveryID: deliveryID, to: endpoint)
                        await record(Self.delivery(event, to: endpoint, report))
                    }
                }
            }
        }
    }

    private func publish(_ event: NotificationEvent, on client: MQTTClient) async {
        let topic = Self.topic(event.kind)
        do {
            try await client.publish(try event.json(), to: topic, qos: .atLeastOnce)
            metrics.increment("rollcall_cloud_notifications_published_total", labels: ["kind": event.kind.rawValue])
            await record(NotificationDelivery(event, channel: .mqtt, target: topic, outcome: .delivered, attempts: 1))
        } catch {
            metrics.increment("rollcall_cloud_notifications_unpublished_total", labels: ["kind": event.kind.rawValue])
            logger.warning("notification \(event.key) not published: \(error)")
            await record(NotificationDelivery(event, channel: .mqtt, target: topic,
                                              outcome: Task.isCancelled ? .cancelled : .failed, attempts: 1,
                                              lastError: "\(error)"))
        }
    }

    /// The log entry of a webhook delivery.
    static func delivery(_ event: NotificationEvent, to endpoint: WebhookEndpoint,
                         _ report: WebhookSender.Report) -> NotificationDelivery {
        let (outcome, status): (NotificationDelivery.Outcome, Int?) = switch report.outcome {
        case .delivered(let status): (.delivered, status)
        case .refused(let status): (.refused, status == 0 ? nil : status)
        case .exhausted: (.failed, report.lastFailure.flatMap { $0.hasPrefix("HTTP ") ? Int($0.dropFirst(5)) : nil })
        case .cancelled: (.cancelled, nil)
        }
        return NotificationDelivery(event, channel: .webhook, target: shown(endpoint.url), outcome: outcome,
                                    attempts: report.attempts, httpStatus: status, lastError: report.lastFailure)
    }

    /// A webhook URL as logged and shown: scheme, host, port and path (a query may carry a receiver's key).
    static func shown(_ url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.host ?? "webhook" }
        parts.query = nil
        parts.fragment = nil
        parts.user = nil
        parts.password = nil
        return parts.string ?? url.host ?? "webhook"
    }

    /// Writes `delivery` to the log; a failure to write is counted and logged, never thrown. The write runs in a
    /// task of its own, so that stopping (which cancels the deliveries) does not cancel it too: a delivery that
    /// ended just before the stop, or was cut short by it (`cancelled`), is still in the log. A stop waits for
    /// it at most the store's own bound (PostgreSQL's operation timeout; SQLite writes locally).
    private func record(_ delivery: NotificationDelivery) async {
        guard let log else { return }
        let write = Task { try await log.recordNotificationDelivery(delivery) }
        do {
            _ = try await write.value
        } catch {
            metrics.increment("rollcall_cloud_notification_log_errors_total")
            logger.error("notification \(delivery.eventKey) delivery on \(delivery.channel.rawValue) not logged: \(error)")
        }
    }

    /// Closes the webhook client's connections.
    public func shutdown() async {
        await sender?.shutdown()
    }
}
