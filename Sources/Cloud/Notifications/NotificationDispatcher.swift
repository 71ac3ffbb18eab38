// Sends one notification everywhere it is wanted: the MQTT topic `rollcall/v1/notifications/{kind}` (QoS 1,
// not retained; JSON body) and every webhook subscribed to its kind (signed POST, retried with backoff).
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
    let metrics: CloudMetrics
    let logger: Logger

    /// `mqtt` nil: no topic (no broker, or `notifications.mqtt: false`). A sender is made when there are webhooks.
    public init(mqtt: MQTTClient?, webhooks: [WebhookEndpoint], retry: WebhookRetryPolicy, metrics: CloudMetrics,
                logger: Logger) throws(CloudError) {
        self.mqtt = mqtt
        self.webhooks = webhooks
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
                    group.addTask { _ = await sender.deliver(event, deliveryID: deliveryID, to: endpoint) }
                }
            }
        }
    }

    private func publish(_ event: NotificationEvent, on client: MQTTClient) async {
        do {
            try await client.publish(try event.json(), to: Self.topic(event.kind), qos: .atLeastOnce)
            metrics.increment("rollcall_cloud_notifications_published_total", labels: ["kind": event.kind.rawValue])
        } catch {
            metrics.increment("rollcall_cloud_notifications_unpublished_total", labels: ["kind": event.kind.rawValue])
            logger.warning("notification \(event.key) not published: \(error)")
        }
    }

    /// Closes the webhook client's connections.
    public func shutdown() async {
        await sender?.shutdown()
    }
}
