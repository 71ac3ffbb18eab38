import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport

/// The issue #17 dashboard pages in a real headless Chromium against a live server: recurring unknown people
/// (merge, split, dismiss, enroll; nothing preselected), "Not this worker" on a searched detection and its undo,
/// attendance day view (with its CSV download on the session) and a worker's timeline, the live view's filters,
/// and the notification log. Screenshots are kept under
/// `.build/test-artifacts/dashboard-features/` (their paths are printed).
@Suite(.serialized) struct FeaturePagesBrowserTests {
    static let artifacts = URL(fileURLWithPath: ".build/test-artifacts/dashboard-features", isDirectory: true)
    static var chromiumInstalled: Bool { FileManager.default.isExecutableFile(atPath: Chromium.path) }

    func crop(_ image: [UInt8], track: String, site: String, camera: String) -> IncomingCrop {
        IncomingCrop(siteID: site, agentID: site == "hq" ? "agent-1" : "agent-2", camera: camera, trackID: track,
                     frameTime: Date(), image: image, quality: 0.9, detectionScore: 0.9)
    }

    func shoot(_ browser: Chromium, _ name: String) async throws {
        let file = Self.artifacts.appendingPathComponent(name)
        try await browser.screenshot(to: file)
        print("screenshot: \(file.path)")
    }

    /// Ada (hq) and Bo (depot) enrolled and seen; stranger S passes three times at hq, stranger T once at the depot.
    func populate(_ env: TestEnvironment) async throws -> (ada: Int64, bo: Int64) {
        try await env.registerAgent("agent-1", site: "hq")
        try await env.registerAgent("agent-2", site: "depot")
        var ids = [Int64]()
        for (seed, name, axis) in [(1, "Ada", 0), (2, "Bo", 5)] {
            let photo = TestImages.png(width: 160, height: 160, seed: UInt8(seed))
            env.recognizer.scriptFace(photo, embedding: Embeddings.axis(axis))
            let id = try #require(try await env.aggregator.createWorker(name: name, actor: "admin").id)
            _ = try await env.aggregator.enroll(workerID: id, photo: photo, actor: "admin")
            ids.append(id)
        }
        let faces: [(UInt8, Int, Float, String, String, String)] = [
            (10, 0, 0.02, "w1", "hq", "door"), (11, 5, 0.02, "w2", "depot", "gate"),
            (20, 30, 0.00, "s1", "hq", "door"), (21, 30, 0.03, "s2", "hq", "lobby"), (22, 30, 0.05, "s3", "hq", "door"),
            (30, 40, 0.00, "t1", "depot", "gate"),
        ]
        for (seed, axis, offset, track, site, camera) in faces {
            let image = TestImages.png(width: 120, height: 120, seed: seed)
            env.recognizer.scriptFace(image, embedding: Embeddings.axis(axis, offset: offset))
            _ = try await env.aggregator.process(crop(image, track: track, site: site, camera: camera))
        }
        let clustering = try UnknownPeopleClustering(store: env.store, policy: .defaults(for: .dlib), metrics: env.metrics,
                                                     logger: Logger(label: "test"))
        _ = try await clustering.runOnce()
        return (ids[0], ids[1])
    }

    func logIn(_ browser: Chromium, base: String, token: String) async throws {
        try await browser.navigate("\(base)/login")
        try await browser.waitFor("login form", "!!document.getElementById('token')")
        _ = try await browser.evaluate("document.getElementById('token').value = '\(token)'; document.getElementById('login').submit(); true")
        try await browser.waitFor("live page", "location.pathname === '/dashboard' && document.body.dataset.live === 'connected'")
    }

    @Test(.enabled(if: chromiumInstalled, "needs chromium (scripts/setup)"))
    func recurringUnknownPeoplePage() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        _ = try await populate(env)
        let people = try await env.store.unknownPeople(status: .active, limit: 10)
        #expect(people.map(\.sightings).sorted() == [1, 3])
        let s = try #require(people.first { $0.sightings == 3 }), t = try #require(people.first { $0.sightings == 1 })

        try await env.withApp(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let browser = try await Chromium.launch()
            do {
                try await logIn(browser, base: base, token: env.adminToken)
                try await browser.navigate("\(base)/dashboard/people")
                try await browser.waitFor("two people", "document.querySelectorAll('section.person').length === 2")
                // S's card: three crops, sightings, both cameras, the site, first and last seen.
                try await browser.waitFor("S's crops", "[...document.querySelectorAll('#person-\(s.id) .crops img')].length === 3 && [...document.querySelectorAll('#person-\(s.id) .crops img')].every(i => i.complete && i.naturalWidth === 120)")
                #expect(try await browser.evaluate("document.querySelector('#person-\(s.id) .sightings').textContent") as? String == "3 (3 faces)")
                #expect(try await browser.evaluate("document.querySelector('#person-\(s.id) .cameras').textContent") as? String == "door, lobby")
                #expect(try await browser.evaluate("document.querySelector('#person-\(s.id) .sites').textContent") as? String == "hq")
                // No control preselects anyone: every choice starts empty, every name field is blank.
                #expect(try await browser.evaluate("[...document.querySelectorAll('main select')].every(s => s.value === '')") as? Bool == true)
                #expect(try await browser.evaluate("[...document.querySelectorAll('form.enroll input[name=name]')].every(i => i.value === '')") as? Bool == true)
                #expect(try await browser.evaluate("document.querySelectorAll('main select option[value]:not([value=\"\"])').length === 2") as? Bool == true)
                try await shoot(browser, "1-people.png")

                // Merge T into S.
                _ = try await browser.evaluate("const f = document.querySelector('#person-\(s.id) form.merge'); f.querySelector('select').value = '\(t.id)'; f.submit(); true")
                try await browser.waitFor("merge notice", "(document.getElementById('notice')?.textContent ?? '').includes('merged into person \(s.id)')")
                try await browser.waitFor("one person", "document.querySelectorAll('section.person').length === 1")
                #expect(try await env.store.unknownPerson(id: s.id)?.sightings == 4)
                try await shoot(browser, "2-people-merged.png")

                // Split the depot sighting off again on S's page.
                try await browser.navigate("\(base)/dashboard/people/\(s.id)")
                try await browser.waitFor("sightings", "document.querySelectorAll('tr.sighting').length === 4")
                #expect(try await browser.evaluate("[...document.querySelectorAll('tr.sighting input[type=checkbox]')].every(c => !c.checked)") as? Bool == true)
                _ = try await browser.evaluate("[...document.querySelectorAll('tr.sighting')].find(tr => tr.textContent.includes('depot')).querySelector('input').checked = true; document.getElementById('split').submit(); true")
                try await browser.waitFor("split notice", "(document.getElementById('notice')?.textContent ?? '').includes('split off person \(s.id)')")
                #expect(try await browser.evaluate("document.querySelectorAll('tr.sighting').length === 1") as? Bool == true)
                #expect(try await env.store.unknownPerson(id: s.id)?.sightings == 3)
                try await shoot(browser, "3-person-split.png")

                // Dismiss the split-off person; it is listed among the dismissed.
                _ = try await browser.evaluate("document.querySelector('form.dismiss').submit(); true")
                try await browser.waitFor("dismissed", "(document.getElementById('notice')?.textContent ?? '').includes('dismissed')")
                try await browser.navigate("\(base)/dashboard/people?status=dismissed")
                try await browser.waitFor("dismissed list", "document.querySelectorAll('section.person').length === 1")

                // Enroll S as a new worker by name.
                try await browser.navigate("\(base)/dashboard/people")
                _ = try await browser.evaluate("const f = document.querySelector('#person-\(s.id) form.enroll'); f.querySelector('input[name=name]').value = 'Sam Stranger'; f.submit(); true")
                try await browser.waitFor("enrolled", "(document.getElementById('notice')?.textContent ?? '').includes('enrolled as Sam Stranger')")
                try await browser.waitFor("nobody left", "!!document.getElementById('no-people')")
                #expect(try await env.store.workers().contains { $0.name == "Sam Stranger" })
                try await shoot(browser, "4-person-enrolled.png")
            } catch {
                try? await shoot(browser, "people-failure.png")
                await browser.close()
                throw error
            }
            await browser.close()
        }
    }

    @Test(.enabled(if: chromiumInstalled, "needs chromium (scripts/setup)"))
    func notThisWorkerSearchAttendanceAndLiveFilters() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let (ada, _) = try await populate(env)
        let adaDetection = try #require(try await env.store.detections(.init(workerID: ada), limit: 5, cursor: nil).items.first?.id)

        try await env.withApp(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let browser = try await Chromium.launch()
            do {
                try await logIn(browser, base: base, token: env.adminToken)

                // Search: recognised faces at hq only → Ada's one detection.
                try await browser.navigate("\(base)/dashboard/search?site=hq&who=known")
                try await browser.waitFor("results", "document.querySelectorAll('#results tr.detection').length === 1")
                #expect(try await browser.evaluate("document.querySelector('#results tr.detection td.who').textContent") as? String == "Ada")
                #expect(try await browser.evaluate("document.getElementById('filter-site').value + '/' + document.getElementById('filter-who').value") as? String == "hq/known")
                try await shoot(browser, "5-search.png")

                // "Not Ada" → the detection reads unknown, with an undo on the page it came back to.
                _ = try await browser.evaluate("document.querySelector('#results tr.detection form.not-this-worker').submit(); true")
                try await browser.waitFor("correction notice", "(document.getElementById('notice')?.textContent ?? '').includes('is not Ada') && !!document.getElementById('undo')")
                #expect(try await env.store.detection(id: adaDetection)?.workerID == nil)
                try await browser.waitFor("no result", "document.querySelectorAll('#results tr.detection').length === 0")
                try await shoot(browser, "6-not-this-worker.png")
                let withUndo = try #require(try await browser.evaluate("location.href") as? String)
                try await browser.navigate("\(base)/dashboard/search?site=hq")
                try await browser.waitFor("unknown now", "[...document.querySelectorAll('#results tr.detection')].find(tr => tr.dataset.id === '\(adaDetection)')?.querySelector('td.who').textContent === 'unknown'")
                try await browser.navigate(withUndo)
                _ = try await browser.evaluate("document.getElementById('undo').submit(); true")
                try await browser.waitFor("undone", "(document.getElementById('notice')?.textContent ?? '').includes('undone') && document.querySelectorAll('#results tr.detection').length === 1")
                #expect(try await env.store.detection(id: adaDetection)?.workerID == ada)

                // Attendance today: Ada at hq, Bo at the depot; Ada's timeline has today's bar.
                try await browser.navigate("\(base)/dashboard/attendance")
                try await browser.waitFor("day view", "document.querySelectorAll('#attendance tr.attendance').length === 2")
                #expect(try await browser.evaluate("[...document.querySelectorAll('#attendance tr.attendance')].map(tr => tr.querySelector('a').textContent).sort().join(',')") as? String == "Ada,Bo")
                try await shoot(browser, "7-attendance-day.png")
                // The day's CSV, fetched by the page itself: the session cookie is all it sends.
                let downloaded = try #require(try await browser.evaluate("fetch(document.getElementById('attendance-csv').href).then(async r => r.status + ' ' + r.headers.get('content-type') + '\\n' + await r.text())") as? String)
                #expect(downloaded.hasPrefix("200 text/csv"), "\(downloaded.prefix(200))")
                let csvLines = downloaded.components(separatedBy: "\n").dropFirst().joined(separator: "\n")
                    .components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(csvLines.count == 3 && csvLines.dropFirst().contains { $0.contains(",Ada,") } && csvLines.dropFirst().contains { $0.contains(",Bo,") },
                        "\(csvLines)")
                _ = try await browser.evaluate("document.querySelector('#attendance tr.attendance[data-worker=\"\(ada)\"] a').click(); true")
                try await browser.waitFor("timeline", "location.pathname === '/dashboard/attendance/workers/\(ada)' && document.querySelectorAll('#timeline tr.present svg rect').length === 1")
                #expect(try await browser.evaluate("document.querySelectorAll('#timeline tr').length === 29") as? Bool == true)   // header + 28 days
                try await shoot(browser, "8-attendance-timeline.png")

                // Live view filtered to unknown faces at hq: Ada's new face is left out, a stranger's comes in.
                try await browser.navigate("\(base)/dashboard?site=hq&who=unknown")
                try await browser.waitFor("filtered live", "document.body.dataset.live === 'connected' && document.querySelectorAll('#sites section').length === 1 && [...document.querySelectorAll('#site-hq tr.detection td.who')].every(td => td.textContent === 'unknown')")
                // The stream is flowing once a pushed face shows: a probe stranger, sent again until one does.
                var probe = 0
                _ = try await poll("a pushed face on the live view", within: 20, every: .milliseconds(1)) { () async throws -> Bool? in
                    probe += 1
                    let image = TestImages.png(width: 120, height: 120, seed: UInt8(60 + probe))
                    env.recognizer.scriptFace(image, embedding: Embeddings.axis(60 + probe))
                    let shown = try await env.aggregator.process(crop(image, track: "p\(probe)", site: "hq", camera: "door"))
                    try await browser.waitFor("probe \(probe)", "!!document.querySelector('#site-hq tr.detection.live[data-id=\"\(shown.detectionID)\"]')",
                                              timeout: 2)
                    return true
                }
                let adaAgain = TestImages.png(width: 120, height: 120, seed: 40), stranger = TestImages.png(width: 120, height: 120, seed: 41)
                env.recognizer.scriptFace(adaAgain, embedding: Embeddings.axis(0, offset: 0.01))
                env.recognizer.scriptFace(stranger, embedding: Embeddings.axis(50))
                let known = try await env.aggregator.process(crop(adaAgain, track: "w9", site: "hq", camera: "door"))
                let unknown = try await env.aggregator.process(crop(stranger, track: "u9", site: "hq", camera: "door"))
                #expect(known.workerID == ada && unknown.workerID == nil)
                // Pushed in order: once the stranger's row is in, Ada's would have been too.
                try await browser.waitFor("stranger live", "!!document.querySelector('#site-hq tr.detection.live[data-id=\"\(unknown.detectionID)\"]')")
                #expect(try await browser.evaluate("!!document.querySelector('tr.detection[data-id=\"\(known.detectionID)\"]')") as? Bool == false)
                try await shoot(browser, "9-live-filtered.png")
            } catch {
                try? await shoot(browser, "search-failure.png")
                await browser.close()
                throw error
            }
            await browser.close()
        }
    }

    @Test(.enabled(if: chromiumInstalled, "needs chromium (scripts/setup)"))
    func notificationLogPage() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        // Three real deliveries to a local receiver: delivered after a 500, given up after four 500s, refused (404).
        let receiver = WebhookReceiver(scripts: ["0:agent_offline:hq/door-1": [500], "0:agent_offline:hq/door-2": [500, 500, 500, 500],
                                                 "0:gallery_not_acknowledged:depot/gate-1:3": [404]])
        let retry = WebhookRetryPolicy(maximumAttempts: 4, initialDelay: .milliseconds(10), multiplier: 2,
                                       maximumDelay: .milliseconds(40), timeout: .seconds(5))
        let store = env.store, metrics = env.metrics
        let events = [
            NotificationEvent(key: "agent_offline:hq/door-1", kind: .agentOffline, time: Date(), siteID: "hq", agentID: "door-1",
                              message: "Agent door-1 at site hq has not been heard from for 5 minutes."),
            NotificationEvent(key: "agent_offline:hq/door-2", kind: .agentOffline, time: Date(), siteID: "hq", agentID: "door-2",
                              message: "Agent door-2 at site hq has not been heard from for 5 minutes."),
            NotificationEvent(key: "gallery_not_acknowledged:depot/gate-1:3", kind: .galleryNotAcknowledged, time: Date(),
                              siteID: "depot", agentID: "gate-1", galleryVersion: 3,
                              message: "Agent gate-1 at site depot has not acknowledged gallery version 3."),
        ]
        try await WebhookReceiver.serve(receiver) { url in
            let endpoint = try WebhookEndpoint(id: 0, url: url, secret: "browser-secret-0123456789",
                                               events: Set(NotificationEvent.Kind.allCases))
            let dispatcher = try NotificationDispatcher(mqtt: nil, webhooks: [endpoint], retry: retry, log: store,
                                                        metrics: metrics, logger: Logger(label: "test"))
            for event in events { await dispatcher.dispatch(event) }
            await dispatcher.shutdown()
        }

        try await env.withApp(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let browser = try await Chromium.launch()
            do {
                try await logIn(browser, base: base, token: env.viewerToken)
                _ = try await browser.evaluate("[...document.querySelectorAll('header nav a')].find(a => a.textContent === 'Notifications').click(); true")
                try await browser.waitFor("notification log", "location.pathname === '/dashboard/notifications' && document.querySelectorAll('#notifications tr.notification').length === 3")
                let rows = try #require(try await browser.evaluate("[...document.querySelectorAll('#notifications tr.notification')].map(tr => [tr.querySelector('.kind').textContent, tr.querySelector('.outcome').textContent, tr.querySelector('.attempts').textContent, tr.querySelector('.last-error').textContent].join('|')).join(';')") as? String)
                #expect(rows == "gallery_not_acknowledged|refused (HTTP 404)|1|HTTP 404;agent_offline|failed (HTTP 500)|4|HTTP 500;agent_offline|delivered (HTTP 200)|2|HTTP 500")
                // The stylesheet may arrive after the rows: wait for it to apply.
                try await browser.waitFor("a failed delivery's outcome in bold", "getComputedStyle(document.querySelector('tr.notification[data-outcome=failed] td.outcome')).fontWeight === '700'")
                try await shoot(browser, "10-notifications.png")
            } catch {
                try? await shoot(browser, "notifications-failure.png")
                await browser.close()
                throw error
            }
            await browser.close()
        }
    }
}
