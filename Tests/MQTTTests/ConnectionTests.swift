import Foundation
import MQTT
import Testing
import TestSupport
import Wire

@Suite struct ConnectionTests {
    @Test func mutualTLSConnects() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let client = try await fixture.connectedClient("agents/s1/a1")
        #expect(client.isConnected)
        try await client.publish(try facePayload(), to: Topic.faces(site: "s1", agent: "a1", camera: "cam1").name)
        await client.disconnect()
        #expect(!client.isConnected)
    }

    private func refusal(_ fixture: BrokerFixture, _ configuration: MQTTConfiguration) async -> MQTTError? {
        do {
            let client = try MQTTClient(configuration: configuration)
            try await client.connect()
            await client.disconnect()
            return nil
        } catch let error as MQTTError {
            return error
        } catch {
            return nil
        }
    }

    @Test func clientWithoutCertificateIsRefused() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let error = await refusal(fixture, fixture.configuration(nil))
        #expect(error?.code == .connectFailed)
    }

    @Test func certificateFromAnotherCAIsRefused() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let error = await refusal(fixture, fixture.configuration("agents/s1/a1", pkiFolder: try fixture.foreignPKI))
        #expect(error?.code == .connectFailed)
    }

    @Test func expiredCertificateIsRefused() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let error = await refusal(fixture, fixture.configuration("agents/s1/old"))
        #expect(error?.code == .connectFailed)
        // The broker writes its verdict to its log as it closes the connection, which may be after the client
        // has seen the refusal.
        #expect(await eventually(within: 10) { fixture.broker.logTail(lines: 50).contains("certificate verify failed") },
                "\(fixture.broker.logTail(lines: 50))")
    }

    @Test func unreachableBrokerFailsFast() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        fixture.broker.stop()
        let error = await refusal(fixture, fixture.configuration("agents/s1/a1"))
        #expect(error?.code == .connectFailed)
    }

    @Test func lastWillAnnouncesAnUncleanLoss() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let cloud = try await fixture.connectedClient("cloud/main")
        let availability = try await cloud.subscribe(to: TopicFilter.allAvailability)
        let (inbox, task) = Inbox.collect(availability)
        let topic = Topic.availability(site: "s1", agent: "a1").name
        let will = MQTTConfiguration.Will(topic: topic, payload: try Availability(online: false, agentVersion: "t").encoded())
        var configuration = fixture.configuration("agents/s1/a1", will: will)
        configuration.reconnect.initialDelay = 5
        configuration.reconnect.maxDelay = 5
        let agent = try MQTTClient(configuration: configuration)
        try await agent.connect()
        try await agent.publish(try Availability(online: true, agentVersion: "t").encoded(), to: topic, retain: true)
        agent.simulateConnectionLoss()
        #expect(await eventually { await inbox.count >= 2 })
        let states = try await inbox.messages.map { try Availability(decoding: $0.payload).online }
        #expect(states == [true, false])
        task.cancel()
        await agent.disconnect()
        await cloud.disconnect()
    }
}
