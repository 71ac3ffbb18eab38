import Foundation
import MQTT
import PKI
import Testing
import TestSupport
import Wire

/// Subscriptions are checked against the ACL when they are made (Rollcall's broker plugin), not only when a
/// message is delivered: an agent may subscribe to its own site's gallery, commands and results and its own
/// subtree, never to another site's topics and never to a `$share/…` filter; the cloud may share-subscribe to
/// the agents' topics under any group name. Real Mosquitto, real certificates.
@Suite struct SubscriptionACLTests {
    static func isRefused(_ error: any Error) -> Bool { (error as? MQTTError)?.code == .subscribeRefused }

    @Test func agentSubscribesOnlyToItsOwnSitesTopics() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let a1 = try await fixture.connectedClient("agents/s1/a1")
        for filter in [Topic.gallery(site: "s1").name, Topic.commands(site: "s1").name, Topic.results(site: "s1").name,
                       "rollcall/v1/sites/s1/agents/a1/#", "rollcall/v1/sites/s1/agents/a1/cameras/+/faces"] {
            _ = try await a1.subscribe(to: filter)
        }
        for filter in [Topic.gallery(site: "s2").name, Topic.commands(site: "s2").name, Topic.results(site: "s2").name,
                       "rollcall/v1/sites/s1/#", "rollcall/v1/sites/s1/agents/a2/#", "#", "+/v1/sites/s1/gallery",
                       "$SYS/#", "rollcall/v1/sites/s1/gallery/#"] {
            await #expect(performing: { _ = try await a1.subscribe(to: filter) }, throws: Self.isRefused)
        }
        await a1.disconnect()
    }

    @Test func agentsCannotShareSubscribeAndCloudsCan() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let a1 = try await fixture.connectedClient("agents/s1/a1")
        for filter in [TopicFilter.shared(group: "rollcall-cloud", TopicFilter.allFaces),
                       TopicFilter.shared(group: "rollcall-cloud", "#"),
                       TopicFilter.shared(group: "x", Topic.gallery(site: "s1").name),
                       TopicFilter.shared(group: "x", "rollcall/v1/sites/s1/agents/a1/#")] {
            await #expect(performing: { _ = try await a1.subscribe(to: filter) }, throws: Self.isRefused)
        }
        // Any group name over the agents' topics is the cloud's to use; nothing else shared.
        let cloud = try await fixture.connectedClient("cloud/main")
        for group in ["rollcall-cloud", "another-group"] {
            _ = try await cloud.subscribe(to: TopicFilter.shared(group: group, TopicFilter.allFaces))
        }
        await #expect(performing: {
            _ = try await cloud.subscribe(to: TopicFilter.shared(group: "g", Topic.gallery(site: "s1").name))
        }, throws: Self.isRefused)

        // Two clouds in one group (fresh connections, no other subscription) split the crops between them;
        // every one arrives once.
        let firstCloud = try await fixture.connectedClient("cloud/main", clientID: "cloud-split-1")
        let secondCloud = try await fixture.connectedClient("cloud/second")
        let (firstInbox, firstTask) = Inbox.collect(try await firstCloud.subscribe(
            to: TopicFilter.shared(group: "split", TopicFilter.allFaces)))
        let (secondInbox, secondTask) = Inbox.collect(try await secondCloud.subscribe(
            to: TopicFilter.shared(group: "split", TopicFilter.allFaces)))
        for _ in 0 ..< 10 {
            try await a1.publish(try facePayload(), to: Topic.faces(site: "s1", agent: "a1", camera: "cam1").name)
        }
        #expect(await eventually { await firstInbox.count + secondInbox.count == 10 })
        let (first, second) = (await firstInbox.count, await secondInbox.count)
        #expect(first > 0 && second > 0)
        firstTask.cancel()
        secondTask.cancel()
        await a1.disconnect()
        await cloud.disconnect()
        await firstCloud.disconnect()
        await secondCloud.disconnect()
    }

    @Test func newAgentMaySubscribeAfterTheACLIsReloaded() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        try fixture.authority.issue(.agent(site: "s3", agent: "c1"))
        let c1 = try await fixture.connectedClient("agents/s3/c1")
        // Its certificate is valid, but the ACL rendered at start has no block for it yet.
        await #expect(performing: { _ = try await c1.subscribe(to: Topic.gallery(site: "s3").name) },
                      throws: Self.isRefused)
        try fixture.reloadACL()
        #expect(await eventually {
            (try? await c1.subscribe(to: Topic.gallery(site: "s3").name)) != nil
        })
        await #expect(performing: {
            _ = try await c1.subscribe(to: TopicFilter.shared(group: "rollcall-cloud", TopicFilter.allFaces))
        }, throws: Self.isRefused)
        await c1.disconnect()
    }
}
