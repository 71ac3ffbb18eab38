import Crypto
import Foundation
import MQTT
import Testing
import TestSupport
import Wire

/// The broker's ACL, rendered from config/mosquitto/acl, confines each agent certificate.
@Suite struct ACLTests {
    @Test func agentCannotPublishIntoAnotherAgentsTopics() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let cloud = try await fixture.connectedClient("cloud/main")
        let (inbox, task) = Inbox.collect(try await cloud.subscribe(to: TopicFilter.allAgentTopics))
        let a1 = try await fixture.connectedClient("agents/s1/a1")

        let foreign = [Topic.faces(site: "s1", agent: "a2", camera: "cam1"), .status(site: "s2", agent: "b1"),
                       .faces(site: "s2", agent: "a1", camera: "cam1")]
        for topic in foreign {
            await #expect(throws: MQTTError.self) { try await a1.publish(try facePayload(), to: topic.name) }
        }
        // Nor write a gallery, results or commands.
        await #expect(throws: MQTTError.self) { try await a1.publish(Data([1]), to: Topic.gallery(site: "s1").name) }
        await #expect(throws: MQTTError.self) { try await a1.publish(Data([1]), to: Topic.results(site: "s1").name) }

        // Its own topic works, and is the only thing the cloud sees: the broker delivers one publisher's
        // messages in order, so anything refused above that had slipped through would arrive before this one.
        let own = Topic.faces(site: "s1", agent: "a1", camera: "cam1").name
        try await a1.publish(try facePayload(), to: own)
        #expect(await eventually { await inbox.messages.contains { $0.topic == own } })
        #expect(await inbox.messages.map(\.topic) == [own])
        task.cancel()
        await a1.disconnect()
        await cloud.disconnect()
    }

    @Test func agentReadsOnlyItsOwnSitesGallery() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let cloud = try await fixture.connectedClient("cloud/main")
        let key = Curve25519.Signing.PrivateKey()
        for site in ["s1", "s2"] {
            let update = try GalleryUpdate.signed(version: 3, modelID: "dlib-resnet", snapshot: Data(site.utf8), key: key)
            try await cloud.publish(try update.encoded(), to: Topic.gallery(site: site).name, retain: true)
        }
        let commands = "rollcall/v1/sites/s1/commands"
        try await cloud.publish(Data("sentinel".utf8), to: commands, retain: true)
        let a1 = try await fixture.connectedClient("agents/s1/a1")
        let own = try await a1.subscribe(to: Topic.gallery(site: "s1").name)
        var iterator = own.makeAsyncIterator()
        let received = await iterator.next()
        let update = try GalleryUpdate.verified(decoding: try #require(received).payload, publicKey: key.publicKey)
        #expect(update.snapshot == Data("s1".utf8))

        // Another site's gallery, and a wildcard over every site's gallery: refused at subscribe (the broker
        // plugin: the ACL covers neither); its own site's commands (retained sentinel) granted and delivered.
        await #expect { _ = try await a1.subscribe(to: Topic.gallery(site: "s2").name) } throws: { error in
            (error as? MQTTError)?.code == .subscribeRefused
        }
        // A wildcard over every site's gallery is refused (the broker plugin: the ACL does not cover it).
        await #expect { _ = try await a1.subscribe(to: "rollcall/v1/sites/+/gallery") } throws: { error in
            (error as? MQTTError)?.code == .subscribeRefused
        }
        let (sentinelInbox, sentinelTask) = Inbox.collect(try await a1.subscribe(to: commands))
        #expect(await eventually { await sentinelInbox.messages.contains { $0.topic == commands } })
        sentinelTask.cancel()
        await a1.disconnect()
        await cloud.disconnect()
    }

    @Test func agentCannotReadOtherAgentsFaces() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let a2 = try await fixture.connectedClient("agents/s1/a2")
        let a1 = try await fixture.connectedClient("agents/s1/a1")
        await #expect { _ = try await a1.subscribe(to: TopicFilter.allFaces) } throws: { error in
            (error as? MQTTError)?.code == .subscribeRefused
        }
        await #expect { _ = try await a1.subscribe(to: TopicFilter.faces(site: "s1", agent: "a2")) } throws: { error in
            (error as? MQTTError)?.code == .subscribeRefused
        }
        await a1.disconnect()
        await a2.disconnect()
    }
}
