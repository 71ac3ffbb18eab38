import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport

/// The notification log end to end: the dispatcher writes every webhook delivery with its outcome, attempts,
/// last HTTP status and last failure (a real local receiver answering 500, 404 or 200); the API lists it in
/// pages; the dashboard page shows it to a viewer.
@Suite struct NotificationLogTests {
    let secret = "notify-secret-0123456789"
    let retry = WebhookRetryPolicy(maximumAttempts: 4, initialDelay: .milliseconds(10), multiplier: 2,
                                   maximumDelay: .milliseconds(40), timeout: .seconds(5))

    func event(_ name: String) -> NotificationEvent {
        NotificationEvent(key: name, kind: .agentOffline, time: Date(), siteID: "hq", agentID: name,
                          message: "Agent \(name) at site hq has not been heard from <since 09:00>.")
    }

    @Test func everyDeliveryIsLoggedListedAndShown() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        // "ok" fails once then is delivered; "down" fails every attempt; "gone" is refused for good.
        let receiver = WebhookReceiver(scripts: ["0:ok": [500], "0:down": [500, 500, 500, 500], "0:gone": [404]])
        let secret = self.secret, retry = self.retry, metrics = env.metrics, store = env.store
        let events = ["ok", "down", "gone"].map(event)
        let hookURL = try await WebhookReceiver.serve(receiver) { url in
            // A key in the query is the receiver's secret: it is not logged.
            let endpoint = try WebhookEndpoint(id: 0, url: url + "?key=receiver-key", secret: secret, events: [.agentOffline])
            let dispatcher = try NotificationDispatcher(mqtt: nil, webhooks: [endpoint], retry: retry, log: store,
                                                        metrics: metrics, logger: Logger(label: "test"))
            for event in events { await dispatcher.dispatch(event) }
            await dispatcher.shutdown()
            return url
        }
        let logged = try await env.store.notificationDeliveries(limit: 10, cursor: nil).items
        #expect(logged.map(\.eventKey) == ["gone", "down", "ok"])
        let byKey = Dictionary(uniqueKeysWithValues: logged.map { ($0.eventKey, $0) })
        #expect(byKey["ok"]?.outcome == .delivered && byKey["ok"]?.attempts == 2 && byKey["ok"]?.httpStatus == 200
            && byKey["ok"]?.lastError == "HTTP 500")
        #expect(byKey["down"]?.outcome == .failed && byKey["down"]?.attempts == 4 && byKey["down"]?.httpStatus == 500
            && byKey["down"]?.lastError == "HTTP 500")
        #expect(byKey["gone"]?.outcome == .refused && byKey["gone"]?.attempts == 1 && byKey["gone"]?.httpStatus == 404)
        for d in logged {
            #expect(d.channel == .webhook && d.target == hookURL && d.kind == .agentOffline && d.siteID == "hq")
            #expect(d.message == events.first { $0.key == d.eventKey }?.message)
        }
        #expect(await receiver.received.count == 2 + 4 + 1)
        #expect(metrics.counter("rollcall_cloud_notification_log_errors_total") == 0)

        try await env.withApp { client in
            // The API, two a page.
            let first = try await client.execute(uri: "/api/v1/notifications?limit=2", method: .get,
                                                 headers: auth(env.viewerToken)) { response in
                #expect(response.status == .ok)
                let text = response.text
                #expect(text.contains(#""eventKey":"gone""#) && text.contains(#""eventKey":"down""#) && !text.contains(#""eventKey":"ok""#))
                #expect(text.contains(#""outcome":"failed""#) && text.contains(#""lastError":"HTTP 500""#))
                #expect(!text.contains("receiver-key"))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                return try #require(object["nextCursor"] as? Int)
            }
            try await client.execute(uri: "/api/v1/notifications?limit=2&cursor=\(first)", method: .get,
                                     headers: auth(env.viewerToken)) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""eventKey":"ok""#) && response.text.contains(#""attempts":2"#))
                #expect(!response.text.contains("nextCursor"))
            }
            for (query, subject) in [("cursor=abc", "cursor"), ("cursor=0", "cursor"), ("limit=0", "limit"), ("limit=100000", "limit")] {
                try await client.execute(uri: "/api/v1/notifications?\(query)", method: .get, headers: auth(env.viewerToken)) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    #expect(response.text.contains(subject), "\(query): \(response.text)")
                }
            }
            try await client.execute(uri: "/api/v1/notifications", method: .get, headers: [:]) { #expect($0.status == .unauthorized) }

            // The dashboard page, for a viewer: every delivery, escaped, with outcome, attempts and last error.
            let viewer = try await DashboardLogin.logIn(client, token: env.viewerToken)
            try await client.execute(uri: "/dashboard/notifications", method: .get, headers: viewer.page) { response in
                #expect(response.status == .ok)
                let html = response.text
                #expect(html.components(separatedBy: "<tr class=\"notification\"").count == 4)
                #expect(html.contains("refused (HTTP 404)") && html.contains("failed (HTTP 500)") && html.contains("delivered (HTTP 200)"))
                #expect(html.contains("&lt;since 09:00&gt;") && !html.contains("<since 09:00>"))
                #expect(html.contains("href=\"/dashboard/notifications\" class=\"active\""))
            }
            try await client.execute(uri: "/dashboard/notifications?cursor=-1", method: .get, headers: viewer.page) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/dashboard/notifications", method: .get, headers: [:]) {
                #expect($0.status == .found && $0.headers[.location] == "/login")
            }
        }
    }

    /// Stopping cancels a delivery waiting to retry; the log still gets it, as cancelled, with its first failure.
    @Test func aDeliveryCutShortByStoppingIsLoggedAsCancelled() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let receiver = WebhookReceiver(scripts: ["0:late": [500]])
        // The retry would come a minute later: the stop comes first.
        let slow = WebhookRetryPolicy(maximumAttempts: 4, initialDelay: .seconds(60), multiplier: 2,
                                      maximumDelay: .seconds(60), timeout: .seconds(5))
        let secret = self.secret, metrics = env.metrics, store = env.store, late = event("late")
        try await WebhookReceiver.serve(receiver) { url in
            let endpoint = try WebhookEndpoint(id: 0, url: url, secret: secret, events: [.agentOffline])
            let dispatcher = try NotificationDispatcher(mqtt: nil, webhooks: [endpoint], retry: slow, log: store,
                                                        metrics: metrics, logger: Logger(label: "test"))
            let delivering = Task { await dispatcher.dispatch(late) }
            // The first answer (500) is counted: the sender now waits to retry.
            #expect(await eventually(within: 30) {
                metrics.counter("rollcall_cloud_webhook_attempts_total", labels: ["status": "500"]) == 1
            })
            delivering.cancel()
            await delivering.value
            await dispatcher.shutdown()
        }
        let logged = try await store.notificationDeliveries(limit: 10, cursor: nil).items
        #expect(logged.count == 1)
        #expect(logged.first?.eventKey == "late" && logged.first?.outcome == .cancelled && logged.first?.attempts == 1
            && logged.first?.lastError == "HTTP 500")
        #expect(metrics.counter("rollcall_cloud_notification_log_errors_total") == 0)
    }
}
