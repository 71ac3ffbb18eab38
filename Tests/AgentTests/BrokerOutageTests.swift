import Foundation
import RollcallCore
import MQTT
import Testing
import TestSupport
import Wire
@testable import Agent

/// The outbox through the real MQTT client to a real Mosquitto (mTLS) that goes down and comes back: every
/// crop arrives, none is removed from the outbox before its PUBACK.
@Suite(.serialized) struct BrokerOutageTests {
    final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var ids: [UUID] = []
        func add(_ id: UUID) { lock.withLock { ids.append(id) } }
        var unique: Set<UUID> { lock.withLock { Set(ids) } }
    }

    /// A persistent-session client of `identity` (`cloud/main`, `agents/hq/door-1`) that keeps retrying.
    func client(_ broker: BrokerFixture, identity: String) throws -> MQTTClient {
        var configuration = broker.configuration(identity, cleanStart: false)
        configuration.keepAlive = 5
        configuration.reconnect = ReconnectPolicy(initialDelay: 0.1, maxDelay: 0.5, failFirstConnect: false)
        return try MQTTClient(configuration: configuration)
    }

    func faceMessage(_ encoder: WireAgentEncoder) throws -> (UUID, OutgoingMessage) {
        let id = UUID()
        let event = FaceEvent(messageID: id, camera: "entrance", trackID: 1, frameTime: Date(), frameWidth: 640,
                              frameHeight: 480, face: face(x: 10, y: 10), quality: 0.9, reason: .first,
                              content: .jpeg([0xFF, 0xD8, 0xFF] + [UInt8](repeating: 7, count: 20_000),
                                             region: Rect(x: 0, y: 0, width: 200, height: 200)))
        return (id, try encoder.face(event))
    }

    @Test func everyCropArrivesAcrossABrokerOutage() async throws {
        let folder = temporaryFolder()
        let broker = try BrokerFixture(agents: [("hq", "door-1")], folderPrefix: "rollcall-outage")

        let received = Received()
        let cloud = try client(broker, identity: "cloud/main")
        try await cloud.connect()
        let subscription = try await cloud.subscribe(to: TopicFilter.faces(site: "hq", agent: "door-1"))

        let encoder = WireAgentEncoder(site: "hq", agent: "door-1", mode: .cloudMatch, version: "test")
        let agentClient = try client(broker, identity: "agents/hq/door-1")
        let outbox = try Outbox(folder: folder + "/outbox", maxBytes: 64 << 20)
        let stats = AgentStats()
        let drainer = OutboxDrainer(outbox: outbox, publisher: MQTTTransport(client: agentClient), stats: stats,
                                    backoff: (.milliseconds(50), .milliseconds(200)))
        var sent: Set<UUID> = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in subscription {
                    if let crop = try? FaceCrop(decoding: message.payload) { received.add(crop.messageID) }
                }
            }
            group.addTask { try await MQTTConnectionService(client: agentClient, encoder: encoder, stats: stats).run() }
            group.addTask { try await drainer.run() }

            for _ in 0..<20 {
                let (id, message) = try faceMessage(encoder)
                try outbox.append(topic: message.topic, payload: Data(message.payload))
                sent.insert(id)
            }
            #expect(await eventually(within: 20) { received.unique == sent }, "before the outage")


            broker.kill()   // the outage (kill -9): crops keep coming and wait in the outbox
            for _ in 0..<30 {
                let (id, message) = try faceMessage(encoder)
                try outbox.append(topic: message.topic, payload: Data(message.payload))
                sent.insert(id)
            }
            // The client notices and fails to reconnect; no PUBACK can come meanwhile, so all 30 wait.
            #expect(await eventually(within: 20) { agentClient.statistics.failedConnects >= 1 })
            #expect(outbox.stats.depth == 30, "nothing leaves the outbox without a PUBACK")

            try broker.start()
            #expect(await eventually(within: 30) { received.unique == sent }, "after the outage: every crop arrived")
            #expect(await eventually(within: 10) { outbox.stats.depth == 0 })

            group.cancelAll()
            await cloud.disconnect()

        }
        #expect(received.unique.count == 50)
        #expect(outbox.stats.acknowledged == 50)
    }
}
