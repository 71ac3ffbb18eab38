import Cloud
import Foundation
import Logging
import ModelSupply
import MQTT
import Testing
import TestSupport
import Wire

/// Issue #13, the live feed across processes, in a real headless Chromium: process A serves the dashboard only,
/// process B ingests; both on one PostgreSQL. A detection B stores appears live on A's page, with its crop (A
/// reads it from the database). A is then killed while B stores three more; when A is back, the browser's
/// EventSource reconnects with its Last-Event-ID and the three rows appear, none twice.
@Suite(.serialized) struct CrossProcessDashboardTests {
    static let artifacts = URL(fileURLWithPath: ".build/test-artifacts/cross-process", isDirectory: true)

    @Test(.enabled(if: ConcurrentEnrollmentTests.ready && FileManager.default.isExecutableFile(atPath: Chromium.path),
                   "needs the models, PostgreSQL 15 and Chromium (scripts/setup)"))
    func processAShowsWhatProcessBStoredAndResumesAfterARestart() async throws {
        let database = try PostgresServer()
        let fixture = try BrokerFixture(agents: [("hq", "door")])
        let portA = try LoopbackPort.free(), portB = try LoopbackPort.free()
        let a = try CloudProcess(folder: fixture.folder, name: "a",
                                 yaml: fixture.cloudYAML(name: "a", httpPort: portA, sites: ["hq"], postgresURL: database.url,
                                                         mqtt: false), httpPort: portA)
        let b = try CloudProcess(folder: fixture.folder, name: "b",
                                 yaml: fixture.cloudYAML(name: "b", httpPort: portB, sites: ["hq"], postgresURL: database.url),
                                 httpPort: portB)
        try a.start()
        try b.start()
        defer {
            a.kill9()
            b.kill9()
        }
        #expect(await eventually(within: 120) { await a.healthy }, "\(a.logTail())")
        #expect(await eventually(within: 120) { await b.metric("rollcall_cloud_mqtt_connected") == 1 }, "\(b.logTail())")
        let store = try await PostgresStore.open(url: database.url, logger: Logger(label: "test"))
        let token = try await TokenIssuer(store: store).create(name: "test-viewer", role: .viewer).secret
        let agent = try await fixture.agent(site: "hq", agent: "door")
        try await agent.publish(try Availability(online: true, agentVersion: "test").encoded(),
                                to: try Topic.availability(site: "hq", agent: "door").validated(), retain: true)
        #expect(await eventually(within: 30) { (try? await store.agent(siteID: "hq", id: "door")) != nil })
        let topic = try Topic.faces(site: "hq", agent: "door", camera: "door").validated()

        let browser = try await Chromium.launch()
        do {
            try await browser.navigate("http://127.0.0.1:\(portA)/login")
            try await browser.waitFor("login form", "!!document.getElementById('token')")
            _ = try await browser.evaluate("document.getElementById('token').value = '\(token)'; document.getElementById('login').submit(); true")
            try await browser.waitFor("live page", "location.pathname === '/dashboard' && document.body.dataset.live === 'connected'",
                                      timeout: 60)

            // B stores a crop (a photo with a face); A's page shows it live, crop image included.
            // The agent's own face path (BlazeFace, crop with the face in its pixels) makes the message.
            let path = try AgentPath(localRecognition: false)
            let first = try #require(try path.faces(of: try path.demo("obama"), mode: .cloudMatch).first)
            try await agent.publish(first.payload, to: first.topic)
            let stored = try await poll("B stores the crop", within: 120, context: { b.logTail() }) {
                try await store.detections(.init(), limit: 10, cursor: nil).items.first
            }
            try await browser.waitFor("B's detection live on A",
                                      "!!document.querySelector('#site-hq tr.detection.live[data-id=\"\(stored.id ?? 0)\"] img.crop')", timeout: 60)
            try await browser.waitFor("its crop, served by A", "document.querySelector('#site-hq tr.detection.live img.crop').complete && document.querySelector('#site-hq tr.detection.live img.crop').naturalWidth > 0", timeout: 30)
            try await browser.screenshot(to: Self.artifacts.appendingPathComponent("1-b-detection-on-a.png"))

            // A dies; B stores three more; A comes back and the browser resumes where it was.
            a.kill9()
            var missed: [UUID] = []
            for track in 2 ... 4 {
                let id = UUID()
                missed.append(id)
                try await agent.publish(try AcknowledgeAfterCommitTests.embeddingMessage(id: id, track: UInt64(track)), to: topic)
            }
            let ids = try await poll("B stores the three", within: 60, context: { b.logTail() }) { () async throws -> [Int64]? in
                let items = try await store.detections(.init(), limit: 10, cursor: nil).items
                let found = items.filter { $0.messageID.map(missed.contains) ?? false }.compactMap(\.id)
                return found.count == 3 ? found : nil
            }
            try a.start()
            #expect(await eventually(within: 120) { await a.healthy }, "\(a.logTail())")
            let rows = ids.map { "!!document.querySelector('#site-hq tr.detection.live[data-id=\"\($0)\"] span.privacy')" }
            try await browser.waitFor("the missed rows after the reconnection", rows.joined(separator: " && "), timeout: 60)
            let count = try await browser.evaluate("document.querySelectorAll('#site-hq tr.detection.live').length") as? Int
            let distinct = try await browser.evaluate("new Set([...document.querySelectorAll('#site-hq tr.detection.live')].map(tr => tr.dataset.id)).size") as? Int
            #expect(count == 4 && distinct == 4, "\(count ?? -1) live rows, \(distinct ?? -1) distinct")
            #expect((await a.metric("rollcall_cloud_live_events_replayed_total") ?? 0) >= 3)
            try await browser.screenshot(to: Self.artifacts.appendingPathComponent("2-resumed.png"))
        } catch {
            try? await browser.screenshot(to: Self.artifacts.appendingPathComponent("failure.png"))
            await browser.close()
            throw error
        }
        await browser.close()
        await agent.disconnect()
        #expect(await a.terminate())
        #expect(await b.terminate())
    }
}
