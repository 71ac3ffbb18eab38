// The fleet's own broker connection. Ingest acknowledges a face only after its detection is committed, and on
// libmosquitto 2.0 that means its connection writes nothing while a received message is unacknowledged (see
// `MQTTConfiguration.manualAcknowledgements`): a batch being decided, or a face whose storage fails (the
// database down), would hold every result and gallery version back with it, and a result waiting behind its
// own crop's unacknowledged batch only adds latency. Gallery versions and results therefore go out on a second
// connection of the same cloud certificate, which nothing on the ingest side holds up. What it costs: one
// more TLS session per aggregator at the broker, and no ordering between a result and the acknowledgement of
// its crop (none is needed: an agent matches results by the crop's message id, and a redelivered crop is a
// duplicate that publishes no second result). `FleetConnectionTests` shows a result and a gallery version
// reaching the agent while a face is held unacknowledged; with `MQTTFleet` on the ingest client instead, the
// same test fails (2026-12-05): the ingest connection was lost twice while the face was held, the broker
// redelivered (7 messages received for 3 sent, 2 acknowledged), and nothing was all acknowledged 30 s after the
// database took the face again.
import Foundation
import Logging
import MQTT
import ServiceLifecycle

/// Runs the publishing connection: starts it (connecting and reconnecting in the background, so the cloud
/// serves with the broker down), exports its state as metrics, and disconnects at shutdown — after the HTTP
/// server and ingest, as it is listed among the components' services.
public struct FleetConnection: Service {
    /// The publishing client (`MQTTFleet` publishes on it).
    public let client: MQTTClient
    let metrics: CloudMetrics
    let logger: Logger

    public init(client: MQTTClient, metrics: CloudMetrics, logger: Logger) {
        self.client = client
        self.metrics = metrics
        self.logger = logger
    }

    /// The publishing client's configuration for a cloud: the ingest connection's broker, certificate and
    /// reconnection, its own client id (`<client_id>-fleet`), automatic acknowledgements (it subscribes to
    /// nothing) and no persistent session (a publication cut off by a lost connection is sent again by
    /// libmosquitto on reconnection, or, for a gallery, by `GalleryPublisher`).
    public static func configuration(ingest: MQTTConfiguration) -> MQTTConfiguration {
        var configuration = ingest
        configuration.clientID = ingest.clientID + "-fleet"
        configuration.manualAcknowledgements = false
        configuration.cleanStart = true
        configuration.sessionExpiry = 0
        configuration.will = nil
        return configuration
    }

    public func run() async {
        client.start()
        logger.info("fleet publishing connecting as \(client.configuration.clientID)")
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let statistics = client.statistics
                metrics.set("rollcall_cloud_mqtt_fleet_connected", to: client.isConnected ? 1 : 0)
                metrics.set("rollcall_cloud_mqtt_fleet_connection_losses", to: Double(statistics.connectionLosses))
                metrics.set("rollcall_cloud_mqtt_fleet_messages_published", to: Double(statistics.messagesPublished))
                try? await Task.sleep(for: .seconds(1))
            }
        }
        await client.disconnect()
    }
}
