import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Dashboard pages and forms in process (the browser flow is in DashboardBrowserTests).
@Suite struct DashboardRouterTests {
    func cookie(_ token: String) -> HTTPFields { [.cookie: "rollcall_token=\(token)"] }

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
            try await client.execute(uri: "/login", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "token=\(env.viewerToken)")) { response in
                #expect(response.status == .found)
                #expect(response.headers[.setCookie]?.contains("HttpOnly") == true)
            }
            try await client.execute(uri: "/login", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "token=rc_nope")) { #expect($0.status == .unauthorized) }
            for page in ["/dashboard", "/dashboard/workers", "/dashboard/agents", "/dashboard/unknown"] {
                try await client.execute(uri: page, method: .get, headers: cookie(env.viewerToken)) { response in
                    #expect(response.status == .ok, "\(page)")
                    #expect(!response.text.contains("<script>alert"), "\(page)")
                }
            }
            try await client.execute(uri: "/dashboard/workers", method: .get, headers: cookie(env.viewerToken)) { response in
                #expect(response.text.contains("Zoë &lt;script&gt;"))   // escaped
                #expect(!response.text.contains("form.upload") && !response.text.contains("enctype"))   // viewers get no forms
            }
            try await client.execute(uri: "/dashboard/agents", method: .get, headers: cookie(env.viewerToken)) { response in
                #expect(response.text.contains("gate") && response.text.contains("12.5") && response.text.contains("online"))
            }
            try await client.execute(uri: "/dashboard/unknown", method: .get, headers: cookie(env.adminToken)) { response in
                #expect(response.text.contains("gate / 77") && response.text.contains("Assign"))
            }
            let form: HTTPFields = [.cookie: "rollcall_token=\(env.viewerToken)", .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/dashboard/workers", method: .post, headers: form,
                                     body: ByteBuffer(string: "name=Eve")) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            }
            let adminForm: HTTPFields = [.cookie: "rollcall_token=\(env.adminToken)", .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/dashboard/unknown/assign", method: .post, headers: adminForm,
                                     body: ByteBuffer(string: "agentID=gate&trackID=77&workerID=\(worker.id ?? 0)")) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location]?.contains("crops%20enrolled") == true)
            }
            try await client.execute(uri: "/dashboard/workers/\(worker.id ?? 0)/delete", method: .post, headers: adminForm) {
                #expect($0.status == .found)
            }
            try await client.execute(uri: "/dashboard/workers/999/delete", method: .post, headers: adminForm) { response in
                #expect(response.status == .notFound && response.text.contains("no such worker"))
            }
        }
        #expect(try await env.store.workers().isEmpty)
    }
}
