import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The dashboard in a real headless Chromium against a live server: log in, watch a detection arrive live,
/// enroll a worker from a photo through the upload form, see a privacy-mode detection without an image. Screenshots go to `.build/test-artifacts/`.
@Suite(.serialized) struct DashboardBrowserTests {
    static let artifacts = URL(fileURLWithPath: ".build/test-artifacts/dashboard", isDirectory: true)

    @Test func loginLiveDetectionAndEnrollment() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent("agent-door", site: "hq")
        let enrolled = TestImages.png(width: 160, height: 160, seed: 1)
        let probe = TestImages.png(width: 120, height: 120, seed: 2)
        env.recognizer.scriptFace(enrolled, embedding: Embeddings.axis(0))
        env.recognizer.scriptFace(probe, embedding: Embeddings.axis(0, offset: 0.15))
        let photoFile = env.root.appendingPathComponent("upload/ada.png")
        try FileManager.default.createDirectory(at: photoFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(enrolled).write(to: photoFile)

        try await env.withApp(.live) { client in
            let port = try #require(client.port)
            let base = "http://127.0.0.1:\(port)"
            let browser = try await Chromium.launch()
            do {
                // 1. Unauthenticated dashboard redirects to the login form; a wrong token is refused.
                try await browser.navigate("\(base)/dashboard")
                try await browser.waitFor("login form", "location.pathname === '/login' && !!document.getElementById('token')")
                _ = try await browser.evaluate("document.getElementById('token').value = 'rc_wrong'; document.getElementById('login').submit(); true")
                try await browser.waitFor("login error", "!!document.getElementById('login-error')")
                try await browser.screenshot(to: Self.artifacts.appendingPathComponent("1-login-refused.png"))

                // 2. Log in with the admin token.
                _ = try await browser.evaluate("document.getElementById('token').value = '\(env.adminToken)'; document.getElementById('login').submit(); true")
                try await browser.waitFor("live page", "location.pathname === '/dashboard' && document.body.dataset.live === 'connected'")
                try await browser.screenshot(to: Self.artifacts.appendingPathComponent("2-live-empty.png"))

                // 3. Enroll Ada from a photo through the upload form.
                try await browser.navigate("\(base)/dashboard/workers")
                _ = try await browser.evaluate("document.getElementById('new-worker-name').value = 'Ada Lovelace'; document.getElementById('new-worker').submit(); true")
                try await browser.waitFor("worker row", "[...document.querySelectorAll('tr.worker td.name')].some(td => td.textContent === 'Ada Lovelace')")
                try await browser.setFile("tr.worker form.upload input[type=file]", path: photoFile.path)
                _ = try await browser.evaluate("document.querySelector('tr.worker form.upload').submit(); true")
                try await browser.waitFor("enrollment notice", "(document.getElementById('notice')?.textContent ?? '').includes('Photo enrolled')")
                try await browser.waitFor("photo shown", "document.querySelectorAll('tr.worker td.photos img').length === 1 && document.querySelector('tr.worker td.photos img').complete && document.querySelector('tr.worker td.photos img').naturalWidth === 160")
                try await browser.screenshot(to: Self.artifacts.appendingPathComponent("3-worker-enrolled.png"))

                // 4. Back to the live page; a crop arrives as an agent would send it and appears without reload.
                try await browser.navigate("\(base)/dashboard")
                try await browser.waitFor("live feed connected", "document.body.dataset.live === 'connected'")
                try await Task.sleep(nanoseconds: 300_000_000)
                let result = try await env.aggregator.process(IncomingCrop(
                    siteID: "hq", agentID: "agent-door", camera: "front-door", trackID: "track-7", frameTime: Date(),
                    image: probe, quality: 0.9, detectionScore: 0.95))
                #expect(result.workerName == "Ada Lovelace")
                try await browser.waitFor("live detection row", "(document.querySelector('#site-hq tr.detection.live td.who')?.textContent ?? '') === 'Ada Lovelace'")
                try await browser.waitFor("crop image", "document.querySelector('#site-hq tr.detection.live img.crop').complete && document.querySelector('#site-hq tr.detection.live img.crop').naturalWidth === 120")
                try await browser.screenshot(to: Self.artifacts.appendingPathComponent("4-live-detection.png"))

                // 5. An agent in privacy mode sends only an embedding: the live row shows a "privacy" marker, no image.
                let privacy = try await env.aggregator.process(IncomingCrop(
                    siteID: "hq", agentID: "agent-door", camera: "back-door", trackID: "track-8", frameTime: Date(),
                    content: .embedding(modelID: env.recognizer.modelID, values: Embeddings.axis(0, offset: 0.1)),
                    quality: 0.8, detectionScore: 0.9))
                #expect(privacy.privacy && privacy.workerName == "Ada Lovelace")
                try await browser.waitFor("privacy row", "[...document.querySelectorAll('#site-hq tr.detection.live')].some(tr => tr.dataset.id === '\(privacy.detectionID)' && tr.querySelector('span.privacy')?.textContent === 'privacy' && !tr.querySelector('img') && tr.querySelector('td.who').textContent === 'Ada Lovelace')")
                try await browser.screenshot(to: Self.artifacts.appendingPathComponent("5-live-privacy-detection.png"))
                // After a reload the server-rendered row says the same.
                try await browser.navigate("\(base)/dashboard")
                try await browser.waitFor("privacy row rendered", "!!document.querySelector('#site-hq tr.detection[data-id=\"\(privacy.detectionID)\"] span.privacy') && !document.querySelector('#site-hq tr.detection[data-id=\"\(privacy.detectionID)\"] img')")
            } catch {
                try? await browser.screenshot(to: Self.artifacts.appendingPathComponent("failure.png"))
                await browser.close()
                throw error
            }
            await browser.close()
        }
        let worker = try #require(try await env.store.workers().first)
        #expect(try await env.store.photos(workerID: worker.id ?? 0).count == 1)
        #expect(FileManager.default.fileExists(atPath: Self.artifacts.appendingPathComponent("4-live-detection.png").path))
    }
}
