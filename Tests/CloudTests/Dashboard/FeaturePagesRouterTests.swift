import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The issue #17 dashboard pages in process: viewers get the pages without any action, forms need the session's
/// anti-forgery token, and bad input is refused with a clear message (another site's detection, a bad filter,
/// a merge with nobody chosen, a timeline over its limit, a return address off the dashboard).
@Suite struct FeaturePagesRouterTests {
    @Test func rolesTokensAndBadInput() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent("agent-1", site: "hq")
        let photo = TestImages.png(seed: 1), seen = TestImages.png(seed: 2), stranger = TestImages.png(seed: 3)
        env.recognizer.scriptFace(photo, embedding: Embeddings.axis(0))
        env.recognizer.scriptFace(seen, embedding: Embeddings.axis(0, offset: 0.02))
        env.recognizer.scriptFace(stranger, embedding: Embeddings.axis(40))
        let ada = try #require(try await env.aggregator.createWorker(name: "Ada", actor: "t").id)
        _ = try await env.aggregator.enroll(workerID: ada, photo: photo, actor: "t")
        let detection = try await env.aggregator.process(IncomingCrop(
            siteID: "hq", agentID: "agent-1", camera: "door", trackID: "1", frameTime: Date(), image: seen, quality: 0.9,
            detectionScore: 0.9))
        _ = try await env.aggregator.process(IncomingCrop(
            siteID: "hq", agentID: "agent-1", camera: "door", trackID: "2", frameTime: Date(), image: stranger, quality: 0.9,
            detectionScore: 0.9))
        _ = try await UnknownPeopleClustering(store: env.store, policy: .defaults(for: .dlib), metrics: env.metrics,
                                              logger: Logger(label: "test")).runOnce()
        let person = try #require(try await env.store.unknownPeople(status: .active, limit: 5).first)

        try await env.withApp { client in
            let viewer = try await DashboardLogin.logIn(client, token: env.viewerToken)
            let admin = try await DashboardLogin.logIn(client, token: env.adminToken)
            for page in ["/dashboard/people", "/dashboard/people/\(person.id)", "/dashboard/search", "/dashboard/attendance",
                         "/dashboard/attendance/workers/\(ada)", "/dashboard?site=hq&who=known"] {
                try await client.execute(uri: page, method: .get, headers: viewer.page) { response in
                    #expect(response.status == .ok, "\(page): \(response.text.prefix(300))")
                    // Viewers get no action: the only POST form is logging out.
                    #expect(response.text.components(separatedBy: "method=\"post\"").count == 2, "\(page)")
                }
                try await client.execute(uri: page, method: .get, headers: admin.page) { #expect($0.status == .ok, "\(page)") }
            }
            try await client.execute(uri: "/dashboard/search", method: .get, headers: admin.page) { response in
                #expect(response.text.contains("action=\"/dashboard/detections/\(detection.detectionID)/not-this-worker\""))
            }
            let mark = "/dashboard/detections/\(detection.detectionID)/not-this-worker"
            // A viewer may not; without the session's token nobody may.
            try await client.execute(uri: mark, method: .post, headers: viewer.form,
                                     body: ByteBuffer(string: "csrf=\(viewer.csrf)&worker=\(ada)&site=hq")) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: mark, method: .post, headers: admin.form,
                                     body: ByteBuffer(string: "worker=\(ada)&site=hq")) { #expect($0.status == .forbidden) }
            // Another site's detection is refused, naming the site.
            try await client.execute(uri: mark, method: .post, headers: admin.form,
                                     body: ByteBuffer(string: "csrf=\(admin.csrf)&worker=\(ada)&site=depot")) { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains("was seen at site hq, not depot"))
            }
            #expect(try await env.store.detection(id: detection.detectionID)?.workerID == ada)
            // Marked for real, with a return address off the dashboard: it goes back to the search instead.
            try await client.execute(uri: mark, method: .post, headers: admin.form,
                                     body: ByteBuffer(string: "csrf=\(admin.csrf)&worker=\(ada)&site=hq&back=https%3A%2F%2Fevil.example%2F")) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location]?.hasPrefix("/dashboard/search?notice=") == true)
                #expect(response.headers[.location]?.contains("&undo=") == true)
            }
            #expect(try await env.store.detection(id: detection.detectionID)?.workerID == nil)
            // Bad filters and ranges, each named.
            for (uri, words) in [("/dashboard/search?who=everyone", "unknown or known"),
                                 ("/dashboard/search?from=yesterday", "YYYY-MM-DDTHH:MM"),
                                 ("/dashboard/search?from=2026-01-02T00:00&until=2026-01-01T00:00", "ends before it starts"),
                                 ("/dashboard/search?worker=1&who=unknown", "exclude each other"),
                                 ("/dashboard/attendance?date=2026-02-30", "not a calendar date"),
                                 ("/dashboard/attendance/workers/\(ada)?from=2025-01-01&to=2026-01-01", "at most 92 days")] {
                try await client.execute(uri: uri, method: .get, headers: admin.page) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(response.text.contains(words), "\(uri): \(response.text.prefix(400))")
                }
            }
            // A merge with nobody chosen, and an enrollment without a name, are refused.
            try await client.execute(uri: "/dashboard/people/\(person.id)/merge", method: .post, headers: admin.form,
                                     body: ByteBuffer(string: "csrf=\(admin.csrf)&from=")) { response in
                #expect(response.status == .badRequest && response.text.contains("choose the person to merge in"))
            }
            try await client.execute(uri: "/dashboard/people/\(person.id)/enroll", method: .post, headers: admin.form,
                                     body: ByteBuffer(string: "csrf=\(admin.csrf)&name=+")) { response in
                #expect(response.status == .badRequest && response.text.contains("type the new worker&#39;s name"))
            }
        }
    }
}
