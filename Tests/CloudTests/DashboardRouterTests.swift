import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Dashboard pages and forms in process (the browser flow is in DashboardBrowserTests, forged requests in
/// CrossSiteRequestTests).
@Suite struct DashboardRouterTests {
    @Test func pagesRolesAndForms() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent("gate", site: "hq")
        let stranger = TestImages.png(seed: 60)
        env.recognizer.scriptFace(stranger, embedding: Embeddings.axis(60), side: 60)
        _ = try await env.aggregator.process(IncomingCrop(siteID: "hq", agentID: "gate", camera: "c1", trackID: "77",
                                                          frameTime: Date(), image: stranger, quality: 0.9,
                                                          detectionScore: 0.9))
        let worker = try await env.aggregator.createWorker(name: "Zoë <script>", actor: "t")
        try await env.withApp { client in
            try await client.execute(uri: "/dashboard", method: .get) { response in
                #expect(response.status == .found && response.headers[.location] == "/login")
            }
            try await client.execute(uri: "/", method: .get) { #expect($0.headers[.location] == "/dashboard") }
            let viewer = try await DashboardLogin.logIn(client, token: env.viewerToken)
            let admin = try await DashboardLogin.logIn(client, token: env.adminToken)
            #expect(viewer.sessionID != env.viewerToken && viewer.sessionID.count == 64)
            let loginCSRF = try await client.execute(uri: "/login", method: .get, headers: [:]) {
                try #require(DashboardLogin.cookie("rollcall_login", in: $0))
            }
            try await client.execute(uri: "/login", method: .post,
                                     headers: [.origin: "http://localhost",
                                               .cookie: "rollcall_login=\(loginCSRF)",
                                               .contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "token=rc_nope&csrf=\(loginCSRF)")) {
                #expect($0.status == .unauthorized)
            }
            // A login posted from another site, or without the form's own anti-forgery value, is refused.
            try await client.execute(uri: "/login", method: .post,
                                     headers: [.origin: "http://evil.example",
                                               .cookie: "rollcall_login=\(loginCSRF)",
                                               .contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "token=\(env.adminToken)&csrf=\(loginCSRF)")) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/login", method: .post,
                                     headers: [.origin: "http://localhost",
                                               .contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "token=\(env.adminToken)&csrf=\(loginCSRF)")) {
                #expect($0.status == .forbidden && DashboardLogin.cookie("rollcall_session", in: $0) == nil)
            }
            for page in ["/dashboard", "/dashboard/workers", "/dashboard/agents", "/dashboard/unknown"] {
                try await client.execute(uri: page, method: .get, headers: viewer.page) { response in
                    #expect(response.status == .ok, "\(page)")
                    #expect(!response.text.contains("<script>alert"), "\(page)")
                }
            }
            try await client.execute(uri: "/dashboard/workers", method: .get, headers: viewer.page) { response in
                #expect(response.text.contains("Zoë &lt;script&gt;"))   // escaped
                #expect(!response.text.contains("form.upload") && !response.text.contains("enctype"))   // viewers get no forms
            }
            try await client.execute(uri: "/dashboard/agents", method: .get, headers: viewer.page) { response in
                #expect(response.text.contains("gate") && response.text.contains("12.5") && response.text.contains("online"))
            }
            try await client.execute(uri: "/dashboard/unknown", method: .get, headers: admin.page) { response in
                #expect(response.text.contains("gate / 77") && response.text.contains("Assign"))
            }
            try await client.execute(uri: "/dashboard/workers", method: .post, headers: viewer.form,
                                     body: ByteBuffer(string: "name=Eve&csrf=\(viewer.csrf)")) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            }
            // Without the session's anti-forgery token, or from another origin: refused.
            try await client.execute(uri: "/dashboard/workers", method: .post, headers: admin.form,
                                     body: ByteBuffer(string: "name=Eve")) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/dashboard/workers", method: .post, headers: admin.form,
                                     body: ByteBuffer(string: "name=Eve&csrf=\(viewer.csrf)")) { #expect($0.status == .forbidden) }
            var foreign = admin.form
            foreign[.origin] = "http://localhost:8081"
            try await client.execute(uri: "/dashboard/workers", method: .post, headers: foreign,
                                     body: ByteBuffer(string: "name=Eve&csrf=\(admin.csrf)")) { #expect($0.status == .forbidden) }
            var originless = admin.form
            originless[.origin] = nil
            try await client.execute(uri: "/dashboard/workers", method: .post, headers: originless,
                                     body: ByteBuffer(string: "name=Eve&csrf=\(admin.csrf)")) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/dashboard/unknown/assign", method: .post, headers: admin.form,
                                     body: ByteBuffer(string: "agentID=gate&trackID=77&workerID=\(worker.id ?? 0)&csrf=\(admin.csrf)")) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location]?.contains("crops%20enrolled") == true)
            }
            try await client.execute(uri: "/dashboard/workers/\(worker.id ?? 0)/delete", method: .post, headers: admin.form,
                                     body: ByteBuffer(string: "csrf=\(admin.csrf)")) {
                #expect($0.status == .found)
            }
            try await client.execute(uri: "/dashboard/workers/999/delete", method: .post, headers: admin.form,
                                     body: ByteBuffer(string: "csrf=\(admin.csrf)")) { response in
                #expect(response.status == .notFound && response.text.contains("no such worker"))
            }
            // A viewer may log out; the session is gone on the server afterwards.
            try await client.execute(uri: "/dashboard/logout", method: .post, headers: viewer.form,
                                     body: ByteBuffer(string: "csrf=\(viewer.csrf)")) { response in
                #expect(response.status == .found && response.headers[.location] == "/login")
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            try await client.execute(uri: "/dashboard", method: .get, headers: viewer.page) {
                #expect($0.status == .found && $0.headers[.location] == "/login")
            }
        }
        #expect(try await env.store.workers().isEmpty)
    }
}
