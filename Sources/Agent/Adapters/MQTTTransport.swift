// The MQTT client behind the agent's publishing and subscribing seams, and the service that keeps it connected
// and announces the agent after every (re)connection.
import Foundation
import MQTT

/// `MQTTClient` as the agent sees it.
public struct MQTTTransport: MessagePublishing, MessageSubscribing {
    public let client: MQTTClient
    private let gate: ConnectionSettleGate

    /// `settle`: how long a (re)connection must have lasted before publishes go out (see
    /// `ConnectionSettleGate`); 0 publishes at once.
    public init(client: MQTTClient, settle: Duration = .seconds(3)) {
        self.client = client
        self.gate = ConnectionSettleGate(settle: settle)
    }

    public func publish(topic: String, payload: Data, retain: Bool) async throws {
        try await gate.waitUntilSettled(client)
        try await client.publish(payload, to: topic, qos: .atLeastOnce, retain: retain)
    }

    /// Subscribes (retrying with backoff while the broker is unreachable; the subscription then survives
    /// reconnections in the persistent session) and hands each message to `handle` until cancelled.
    public func receive(_ filter: String, handle: @Sendable (Data) async -> Void) async throws {
        var wait = Duration.milliseconds(500)
        while true {
            let subscription: MQTTSubscription
            do {
                subscription = try await client.subscribe(to: filter, qos: .atLeastOnce)
            } catch {
                try Task.checkCancellation()
                try await Task.sleep(for: wait)
                wait = min(wait * 2, .seconds(30))
                continue
            }
            for await message in subscription { await handle(message.payload) }
            return
        }
    }
}

/// Keeps the MQTT connection up (the client reconnects by itself) and publishes the retained `online`
/// availability after every connection; the `offline` last will is registered in the client's configuration.
public struct MQTTConnectionService: AgentService {
    public let name = "mqtt"
    let client: MQTTClient
    let encoder: any AgentMessageEncoding
    let stats: AgentStats

    public init(client: MQTTClient, encoder: any AgentMessageEncoding, stats: AgentStats) {
        self.client = client
        self.encoder = encoder
        self.stats = stats
    }

    public func run() async throws {
        let since = Date()
        let events = client.events
        client.start()
        for await event in events {   // ends when the task is cancelled
            guard case .connected = event else { continue }
            do {
                let online = try encoder.availability(online: true, since: since)
                try await client.publish(Data(online.payload), to: online.topic, qos: .atLeastOnce, retain: true)
            } catch {
                stats.count(.publishFailures)
            }
        }
        // Clean stop: say offline ourselves (a clean DISCONNECT does not fire the last will), then disconnect.
        if client.isConnected, let offline = try? encoder.availability(online: false, since: since) {
            try? await client.publish(Data(offline.payload), to: offline.topic, qos: .atMostOnce, retain: true)
        }
        await client.disconnect()
    }
}
