import Foundation
import MQTT
import Testing
import TestSupport
import Wire

/// Tracks which face message ids arrived (duplicates removed by message id).
actor FaceTally {
    private(set) var ids: Set<UUID> = []
    private(set) var deliveries = 0
    func add(_ id: UUID) { ids.insert(id); deliveries += 1 }
    var unique: Int { ids.count }
}

@Suite struct DeliveryTests {
    @Test func qos1SurvivesABrokerRestartMidway() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let cloud = try await fixture.connectedClient("cloud/main", clientID: "cloud-main", cleanStart: false)
        let faces = try await cloud.subscribe(to: TopicFilter.allFaces)
        let tally = FaceTally()
        let consumer = Task {
            for await message in faces {
                if let inbound = try? InboundFace(topic: message.topic, payload: message.payload) {
                    await tally.add(inbound.crop.messageID)
                }
            }
        }
        let agent = try await fixture.connectedClient("agents/s1/a1", clientID: "agent-s1-a1", cleanStart: false)
        let topic = Topic.faces(site: "s1", agent: "a1", camera: "cam1").name
        let total = 1_000
        let ids = (0..<total).map { _ in UUID() }

        try await withThrowingTaskGroup(of: Void.self) { group in
            // The publisher: 50 in flight at a time, each awaiting its PUBACK (retried across the outage).
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { publishers in
                    for (index, id) in ids.enumerated() {
                        if index >= 50 { try await publishers.next() }
                        let payload = try facePayload(id)
                        publishers.addTask { try await agent.publish(payload, to: topic) }
                    }
                    try await publishers.waitForAll()
                }
            }
            // Midway, the broker goes down for a while and comes back with its persisted sessions.
            group.addTask {
                _ = await eventually(within: 30) { await tally.unique >= total / 2 }
                fixture.broker.stop()
                try await Task.sleep(nanoseconds: 700_000_000)
                try fixture.broker.start()
            }
            try await group.waitForAll()
        }
        #expect(await eventually(within: 30) { await tally.unique == total })
        #expect(await tally.ids == Set(ids))
        #expect(agent.statistics.connectionLosses >= 1)
        #expect(cloud.statistics.connectionLosses >= 1)
        consumer.cancel()
        await agent.disconnect()
        await cloud.disconnect()
    }

    @Test func messagesPublishedWhileTheBrokerIsDownArriveAfterItReturns() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let cloud = try await fixture.connectedClient("cloud/main", clientID: "cloud-main", cleanStart: false)
        let (inbox, task) = Inbox.collect(try await cloud.subscribe(to: TopicFilter.allFaces))
        // SIGKILL: the broker saved nothing, so the cloud's session is gone; the cloud reconnects first and
        // subscribes again before the agent (slower backoff) sends what it queued during the outage.
        var agentConfiguration = fixture.configuration("agents/s1/a1", clientID: "agent-s1-a1", cleanStart: false)
        agentConfiguration.reconnect = ReconnectPolicy(initialDelay: 1, maxDelay: 1)
        let agent = try MQTTClient(configuration: agentConfiguration)
        try await agent.connect()
        fixture.broker.kill()
        let topic = Topic.faces(site: "s1", agent: "a1", camera: "cam1").name
        let publishes = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    let payload = try facePayload()
                    group.addTask { try await agent.publish(payload, to: topic) }
                }
                try await group.waitForAll()
            }
        }
        // While the broker is down the publishes wait: the client keeps failing to connect and nothing arrives.
        #expect(await eventually { agent.statistics.failedConnects >= 1 })
        #expect(await inbox.count == 0)
        try fixture.broker.start()
        try await publishes.value
        #expect(await eventually { await inbox.count >= 20 })
        task.cancel()
        await agent.disconnect()
        await cloud.disconnect()
    }

    @Test func sharedSubscriptionSplitsTheLoad() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let first = try await fixture.connectedClient("cloud/main", clientID: "cloud-1")
        let second = try await fixture.connectedClient("cloud/second", clientID: "cloud-2")
        let filter = TopicFilter.shared(group: "aggregators", TopicFilter.allFaces)
        let (inbox1, task1) = Inbox.collect(try await first.subscribe(to: filter))
        let (inbox2, task2) = Inbox.collect(try await second.subscribe(to: filter))
        let agent = try await fixture.connectedClient("agents/s1/a1")
        for _ in 0..<40 {
            try await agent.publish(try facePayload(), to: Topic.faces(site: "s1", agent: "a1", camera: "cam1").name)
        }
        #expect(await eventually { await inbox1.count + inbox2.count >= 40 })
        let (count1, count2) = (await inbox1.count, await inbox2.count)
        #expect(count1 + count2 == 40)
        #expect(count1 > 0 && count2 > 0)
        task1.cancel(); task2.cancel()
        await agent.disconnect(); await first.disconnect(); await second.disconnect()
    }

    @Test func unsubscribeEndsTheStream() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let cloud = try await fixture.connectedClient("cloud/main")
        let subscription = try await cloud.subscribe(to: TopicFilter.allStatus)
        let ended = Task { () -> Int in
            var count = 0
            for await _ in subscription { count += 1 }
            return count
        }
        try await cloud.unsubscribe(subscription)
        #expect(await ended.value == 0)
        await cloud.disconnect()
    }
}
