import Cloud
import Foundation
import Testing

/// The notification log on SQLite and on PostgreSQL (a throwaway server): the same checks on both.
@Suite struct NotificationLogStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func event(_ n: Int, kind: NotificationEvent.Kind = .agentOffline) -> NotificationEvent {
        NotificationEvent(key: "agent_offline:hq/door-\(n):\(n)", kind: kind, time: t0 + Double(n), siteID: n % 2 == 0 ? "hq" : nil,
                          agentID: "door-\(n)", message: "Agent door-\(n) at site hq has not been heard from.")
    }

    @Test(arguments: StoreKind.allCases)
    func deliveriesAreStoredAndPagedNewestFirst(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        #expect(try await env.store.notificationDeliveries(limit: 10, cursor: nil).items.isEmpty)
        let webhook = NotificationDelivery(event(1), channel: .webhook, target: "https://hooks.example/in", outcome: .delivered,
                                           attempts: 3, httpStatus: 200, lastError: "HTTP 500", finishedAt: t0 + 10)
        let stored = try await env.store.recordNotificationDelivery(webhook)
        let first = try #require(stored.id)
        var expected = webhook
        expected.id = first
        #expect(stored == expected)
        for n in 2 ... 5 {
            _ = try await env.store.recordNotificationDelivery(NotificationDelivery(
                event(n), channel: .mqtt, target: "rollcall/v1/notifications/agent_offline",
                outcome: n == 5 ? .failed : .delivered, attempts: 1, lastError: n == 5 ? "broker gone" : nil,
                finishedAt: t0 + 10 + Double(n)))
        }
        let page1 = try await env.store.notificationDeliveries(limit: 2, cursor: nil)
        #expect(page1.items.map(\.eventKey) == [event(5).key, event(4).key])
        #expect(page1.items[0].outcome == .failed && page1.items[0].lastError == "broker gone" && page1.items[0].httpStatus == nil)
        #expect(page1.items[1].siteID == "hq" && page1.items[1].channel == .mqtt && page1.items[1].attempts == 1)
        #expect(page1.nextCursor != nil)
        let page2 = try await env.store.notificationDeliveries(limit: 2, cursor: page1.nextCursor)
        #expect(page2.items.map(\.eventKey) == [event(3).key, event(2).key])
        #expect(page2.nextCursor != nil)
        let page3 = try await env.store.notificationDeliveries(limit: 2, cursor: page2.nextCursor)
        #expect(page3.items == [expected])   // every field read back as written (times to the second or better)
        #expect(page3.nextCursor == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func longTextIsCutNotRefused(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        let long = String(repeating: "é", count: 5_000)
        var e = event(1)
        e.message = long
        let stored = try await env.store.recordNotificationDelivery(NotificationDelivery(
            e, channel: .webhook, target: "http://127.0.0.1:9/x", outcome: .failed, attempts: 8, lastError: long, finishedAt: t0))
        #expect(stored.message.count == NotificationDelivery.maximumTextLength && stored.message.hasSuffix("…"))
        let read = try #require(try await env.store.notificationDeliveries(limit: 1, cursor: nil).items.first)
        #expect(read.message == stored.message && read.lastError == stored.lastError)
        #expect(read.lastError?.count == NotificationDelivery.maximumTextLength)
    }

    /// Old deliveries go, then all but the newest few; what is kept still pages in order.
    @Test(arguments: StoreKind.allCases)
    func oldDeliveriesExpireAndTheLogIsCapped(kind: StoreKind) async throws {
        let env = try await StoreHarness(kind)
        for n in 1 ... 6 {
            _ = try await env.store.recordNotificationDelivery(NotificationDelivery(
                event(n), channel: .mqtt, target: "rollcall/v1/notifications/agent_offline", outcome: .delivered,
                attempts: 1, finishedAt: t0 + Double(n) * 86400))
        }
        // Days 1 and 2 ended before day 2.5.
        #expect(try await env.store.expireNotificationDeliveries(before: t0 + 2.5 * 86400, keepingAtMost: 100) == 2)
        #expect(try await env.store.notificationDeliveries(limit: 10, cursor: nil).items.map(\.eventKey)
            == (3 ... 6).reversed().map { event($0).key })
        // Nothing is old enough any more; the cap keeps the newest two.
        #expect(try await env.store.expireNotificationDeliveries(before: t0, keepingAtMost: 2) == 2)
        #expect(try await env.store.notificationDeliveries(limit: 10, cursor: nil).items.map(\.eventKey)
            == [event(6).key, event(5).key])
        #expect(try await env.store.expireNotificationDeliveries(before: t0, keepingAtMost: 2) == 0)
    }
}
