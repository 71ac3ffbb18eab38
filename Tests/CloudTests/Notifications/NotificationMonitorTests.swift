import Cloud
import Foundation
import Testing

@Suite struct NotificationMonitorTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func aRecurringUnknownIsNotifiedOnceWhenItReachesN() {
        var monitor = NotificationMonitor(rules: NotificationRules(unknownSightings: 3))
        #expect(monitor.unknownPersonSeen(personID: 4, sightings: 2, siteID: "s", camera: "c", at: t0) == nil)
        let event = monitor.unknownPersonSeen(personID: 4, sightings: 3, siteID: "s", camera: "c", at: t0)
        #expect(event?.kind == .recurringUnknown)
        #expect(event?.key == "recurring_unknown:4")
        #expect(event?.sightings == 3)
        #expect(monitor.unknownPersonSeen(personID: 4, sightings: 4, siteID: "s", camera: "c", at: t0) == nil)
        // A merge that jumps past N still notifies the survivor once.
        #expect(monitor.unknownPersonSeen(personID: 9, sightings: 7, siteID: "s", camera: "c", at: t0) != nil)
        monitor.forgetPerson(4)
        #expect(monitor.unknownPersonSeen(personID: 4, sightings: 5, siteID: "s", camera: "c", at: t0) != nil)
        var off = NotificationMonitor(rules: .off)
        #expect(off.unknownPersonSeen(personID: 1, sightings: 100, siteID: "s", camera: "c", at: t0) == nil)
    }

    @Test func aWorkerOutsideTheirSitesIsNotifiedOncePerCooldownWindow() {
        var monitor = NotificationMonitor(rules: NotificationRules(workerOutsideSites: true, outsideSitesCooldown: 3600))
        #expect(monitor.workerSeen(workerID: 1, sites: nil, siteID: "b", camera: "c", at: t0) == nil)
        #expect(monitor.workerSeen(workerID: 1, sites: ["a", "b"], siteID: "b", camera: "c", at: t0) == nil)
        let first = monitor.workerSeen(workerID: 1, sites: ["a"], siteID: "b", camera: "c", at: t0)
        #expect(first?.kind == .workerOutsideSites)
        #expect(first?.workerID == 1)
        #expect(monitor.workerSeen(workerID: 1, sites: ["a"], siteID: "b", camera: "c", at: t0 + 60) == nil)
        #expect(monitor.workerSeen(workerID: 1, sites: ["a"], siteID: "c", camera: "c", at: t0 + 60) != nil)
        let later = monitor.workerSeen(workerID: 1, sites: ["a"], siteID: "b", camera: "c", at: t0 + 7200)
        #expect(later != nil && later?.key != first?.key)
        // Another instance deciding the same occurrence derives the same key.
        var other = NotificationMonitor(rules: monitor.rules)
        #expect(other.workerSeen(workerID: 1, sites: ["a"], siteID: "b", camera: "c", at: t0 + 10)?.key == first?.key)
    }

    @Test func anAgentSilentTooLongIsNotifiedOncePerSilence() {
        var monitor = NotificationMonitor(rules: NotificationRules(agentOfflineAfter: 120))
        var agent = AgentLiveness(id: "a1", siteID: "s", lastSeen: t0, galleryVersionAcked: nil)
        #expect(monitor.check(agents: [agent], galleries: [:], now: t0 + 119).isEmpty)
        let events = monitor.check(agents: [agent], galleries: [:], now: t0 + 120)
        #expect(events.map(\.kind) == [.agentOffline])
        #expect(events.first?.since == t0)
        #expect(monitor.check(agents: [agent], galleries: [:], now: t0 + 500).isEmpty)
        // Back, then silent again: a new episode.
        agent.lastSeen = t0 + 600
        #expect(monitor.check(agents: [agent], galleries: [:], now: t0 + 650).isEmpty)
        #expect(monitor.check(agents: [agent], galleries: [:], now: t0 + 720).count == 1)
    }

    @Test func agentsOfTwoSitesWithOneNameAreTwoAgents() {
        var monitor = NotificationMonitor(rules: NotificationRules(agentOfflineAfter: 60))
        let alpha = AgentLiveness(id: "door-1", siteID: "alpha", lastSeen: t0, galleryVersionAcked: nil)
        let beta = AgentLiveness(id: "door-1", siteID: "beta", lastSeen: t0, galleryVersionAcked: nil)
        let events = monitor.check(agents: [beta, alpha], galleries: [:], now: t0 + 60)
        #expect(events.map(\.key) == ["agent_offline:alpha/door-1:\(Int64(t0.timeIntervalSince1970 * 1000))",
                                      "agent_offline:beta/door-1:\(Int64(t0.timeIntervalSince1970 * 1000))"])
        #expect(monitor.check(agents: [alpha, beta], galleries: [:], now: t0 + 90).isEmpty)
    }

    @Test func aGalleryNotAcknowledgedInTimeIsNotifiedOncePerAgentAndVersion() {
        var monitor = NotificationMonitor(rules: NotificationRules(agentOfflineAfter: 1000, galleryAckWithin: 30))
        let published = ["s": PublishedGallery(version: 5, publishedAt: t0)]
        var behind = AgentLiveness(id: "a1", siteID: "s", lastSeen: t0 + 40, galleryVersionAcked: 4)
        let current = AgentLiveness(id: "a2", siteID: "s", lastSeen: t0 + 40, galleryVersionAcked: 5)
        let otherSite = AgentLiveness(id: "a3", siteID: "t", lastSeen: t0 + 40, galleryVersionAcked: nil)
        #expect(monitor.check(agents: [behind, current, otherSite], galleries: published, now: t0 + 29).isEmpty)
        let events = monitor.check(agents: [behind, current, otherSite], galleries: published, now: t0 + 30)
        #expect(events.map(\.key) == ["gallery_not_acknowledged:s/a1:5"])
        #expect(events.first?.galleryVersion == 5)
        #expect(monitor.check(agents: [behind], galleries: published, now: t0 + 90).isEmpty)
        // An offline agent is notified as offline, not as behind on the next version.
        behind.lastSeen = t0
        let next = ["s": PublishedGallery(version: 6, publishedAt: t0 + 100)]
        #expect(monitor.check(agents: [behind], galleries: next, now: t0 + 1000).map(\.kind) == [.agentOffline])
    }

    @Test func rulesOutOfBoundsAreRefusedNamingTheSetting() {
        #expect(throws: CloudError.self) { try NotificationRules(unknownSightings: 1).validate() }
        #expect(throws: CloudError.self) { try NotificationRules(agentOfflineAfter: 0).validate() }
        #expect(throws: CloudError.self) { try NotificationRules(galleryAckWithin: .nan).validate() }
        #expect(throws: CloudError.self) { try NotificationRules(outsideSitesCooldown: -1).validate() }
        do {
            try NotificationRules(unknownSightings: 0).validate()
        } catch {
            #expect(error.subject == "notifications.unknown_sightings")
        }
    }

    @Test func eventsEncodeAsSnakeCaseJSONWithISOTimes() throws {
        let event = NotificationEvent(key: "k", kind: .agentOffline, time: t0, siteID: "s", agentID: "a",
                                      since: t0, message: "m")
        let text = String(decoding: try event.json(), as: UTF8.self)
        #expect(text == #"{"agent_id":"a","key":"k","kind":"agent_offline","message":"m","since":"2023-11-14T22:13:20Z","site_id":"s","time":"2023-11-14T22:13:20Z"}"#)
    }
}
