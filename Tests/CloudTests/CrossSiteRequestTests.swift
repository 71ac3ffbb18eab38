import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #14.4 in a real headless Chromium: an admin logged in to the dashboard visits a page served from
/// another port of the same host (same site, so even SameSite=Strict cookies go along). That page submits the
/// dashboard's delete and create forms and posts JSON to the API as text/plain. Nothing may change; the
/// dashboard's own forms still work; the cookie holds a session id (HttpOnly, SameSite=Strict, expiring), not
/// the token, and logging out ends the session on the server.
@Suite(.serialized) struct CrossSiteRequestTests {
    static let artifacts = URL(fileURLWithPath: ".build/test-artifacts/csrf", isDirectory: true)

    /// The attacker's page: three forged requests, then `document.title = 'done'`.
    static func attackPage(cloud: String, workerID: Int64) -> String {
        """
        <!doctype html><html><body>
        <iframe name="sink1"></iframe><iframe name="sink2"></iframe><iframe name="sink3"></iframe>
        <form id="delete" method="post" action="\(cloud)/dashboard/workers/\(workerID)/delete" target="sink1"></form>
        <form id="create" method="post" action="\(cloud)/dashboard/workers" target="sink2">
          <input name="name" value="Mallory"></form>
        <form id="api" method="post" action="\(cloud)/api/v1/workers" enctype="text/plain" target="sink3">
          <input name='{"name":"Eve","x":"' value='"}'></form>
        <script>
        let loaded = 0;
        for (const frame of document.querySelectorAll('iframe')) {
          frame.addEventListener('load', () => { loaded += 1; if (loaded === 3) finish(); });
        }
        let fetched = false;
        function finish() { if (fetched) document.title = 'done'; else setTimeout(finish, 50); }
        fetch('\(cloud)/api/v1/workers', {method: 'POST', mode: 'no-cors', credentials: 'include',
          headers: {'Content-Type': 'text/plain'}, body: '{"name":"Trudy"}'})
          .catch(() => null).then(() => { fetched = true; });
        document.getElementById('delete').submit();
        document.getElementById('create').submit();
        document.getElementById('api').submit();
        </script></body></html>
        """
    }

    @Test func anotherSiteCannotActThroughALoggedInBrowser() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let victim = try await env.aggregator.createWorker(name: "Ada Lovelace", actor: "test")
        let victimID = try #require(victim.id)

        try await env.withApp(.live) { client in
            let port = try #require(client.port)
            let cloud = "http://127.0.0.1:\(port)"
            let attacker = Router()
            attacker.get("/") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(string: Self.attackPage(cloud: cloud, workerID: victimID))))
            }
            let attackerApp = Application(router: attacker, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await attackerApp.test(.live) { attackerClient in
                let attackerURL = "http://127.0.0.1:\(try #require(attackerClient.port))/"
                let browser = try await Chromium.launch()
                do {
                    // The admin logs in through the real form.
                    try await browser.navigate("\(cloud)/login")
                    _ = try await browser.evaluate("document.getElementById('token').value = '\(env.adminToken)'; document.getElementById('login').submit(); true")
                    try await browser.waitFor("dashboard", "location.pathname === '/dashboard'")

                    // The visit to the other site's page.
                    try await browser.navigate(attackerURL)
                    try await browser.waitFor("forged requests sent", "document.title === 'done'", timeout: 30)
                    try await browser.screenshot(to: Self.artifacts.appendingPathComponent("1-after-attack.png"))
                    let names = try await env.store.workers().map(\.name)
                    #expect(names == ["Ada Lovelace"], "the other site changed the workers: \(names)")

                    // The cookie: a session id, not the token; HttpOnly, SameSite=Strict, expiring.
                    let cookies = try await browser.send("Storage.getCookies", browser: true)["cookies"] as? [[String: Any]] ?? []
                    let session = try #require(cookies.first { $0["name"] as? String == "rollcall_session" },
                                               "cookies: \(cookies.map { $0["name"] ?? "?" })")
                    let sessionID = try #require(session["value"] as? String)
                    #expect(!cookies.contains { ($0["value"] as? String)?.contains(env.adminToken) == true })
                    #expect(session["httpOnly"] as? Bool == true)
                    #expect(session["sameSite"] as? String == "Strict")
                    #expect((session["expires"] as? Double ?? -1) > Date().timeIntervalSince1970)

                    // The dashboard's own form still works.
                    try await browser.navigate("\(cloud)/dashboard/workers")
                    _ = try await browser.evaluate("document.getElementById('new-worker-name').value = 'Grace Hopper'; document.getElementById('new-worker').submit(); true")
                    try await browser.waitFor("notice", "(document.getElementById('notice')?.textContent ?? '').includes('Added Grace Hopper')")
                    #expect(try await env.store.workers().map(\.name).sorted() == ["Ada Lovelace", "Grace Hopper"])
                    // The page runs under the policy: no inline script, no framing.
                    try await client.execute(uri: "/dashboard/workers", method: .get,
                                             headers: [.cookie: "rollcall_session=\(sessionID)"]) { response in
                        #expect(response.status == .ok)
                        #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                        #expect(response.headers[HTTPFields.Element.Name("X-Frame-Options")!] == "DENY")
                        #expect(response.headers[.xContentTypeOptions] == "nosniff")
                        #expect(!response.text.contains("<script>"))
                    }

                    // Logging out ends the session on the server: the old cookie value is worthless.
                    _ = try await browser.evaluate("document.getElementById('logout').submit(); true")
                    try await browser.waitFor("login page", "location.pathname === '/login'")
                    try await client.execute(uri: "/dashboard/workers", method: .get,
                                             headers: [.cookie: "rollcall_session=\(sessionID)"]) { response in
                        #expect(response.status == .found && response.headers[.location] == "/login")
                    }
                } catch {
                    try? await browser.screenshot(to: Self.artifacts.appendingPathComponent("failure.png"))
                    await browser.close()
                    throw error
                }
                await browser.close()
            }
        }
        // Every forged request was refused and counted.
        #expect(env.metrics.counter("rollcall_cloud_dashboard_errors_total", labels: ["code": "forbidden", "status": "403"]) == 2)
    }
}
