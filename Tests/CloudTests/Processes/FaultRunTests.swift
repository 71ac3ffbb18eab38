import Agent
import Cloud
import Foundation
import Testing
import TestSupport
import Wire

/// Issue #14's fault runs with the whole system as processes: a real Mosquitto (TLS, the project's ACL and
/// plugin), the debug `rollcall-cloud` on a SQLite file and the debug `rollcall-agent` playing a folder of the demo
/// photos as its camera. Each run counts what the agent accepted, what it dropped (and where that count shows)
/// and what the cloud stored; docs/operations.md "Faults, and what they cost" lists the counts.
/// The cloud SIGKILL mid-backlog is `AcknowledgeAfterCommitTests`; the erasure with the broker down and a cloud
/// restart is `DurableGalleryTests`.
@Suite(.serialized) struct FaultRunTests {
    static let site = "hq", agent = "door"

    /// The cloud and its database on `fixture`'s broker (started when the broker is up, or not).
    static func cloud(_ fixture: BrokerFixture) throws -> (CloudProcess, SQLiteStore, publicKey: String) {
        let port = try LoopbackPort.free()
        let data = fixture.folder.appendingPathComponent("a")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // The cloud's gallery key, made before it starts so that the agent's configuration can name it.
        let signer = try GallerySigner(keyFile: fixture.folder.appendingPathComponent("gallery.key").path)
        let cloud = try CloudProcess(folder: fixture.folder, name: "a",
                                     yaml: fixture.cloudYAML(name: "a", httpPort: port, sites: [site]), httpPort: port)
        // The test reads the cloud's database through a connection of its own.
        let store = try SQLiteStore(path: data.appendingPathComponent("db.sqlite").path)
        try cloud.start()
        return (cloud, store, signer.publicKey.base64EncodedString())
    }

    /// The message ids of the faces the cloud stored for the agent (one per detection).
    static func stored(_ store: SQLiteStore) async -> [UUID] {
        ((try? await store.detections(.init(siteID: site, agentID: agent), limit: 100_000, cursor: nil))?.items ?? [])
            .compactMap(\.messageID)
    }

    /// Faces the cloud refused (unknown agent, no face in the crop, malformed, oversized…), all reasons.
    static func refused(_ cloud: CloudProcess) async -> Double {
        let samples = LoopbackHTTP.prometheusSamples(await cloud.metricsText() ?? "")
        return samples.filter { $0.key.hasPrefix("rollcall_cloud_crops_refused_total") }.values.reduce(0, +)
            + samples.filter { $0.key.hasPrefix("rollcall_cloud_messages_refused_total") }.values.reduce(0, +)
    }

    /// Whether the agent played its whole finite feed through its pipeline (every captured frame processed or
    /// dropped and counted).
    static func played(_ agent: EdgeAgentProcess, frames: Int) -> Bool {
        guard let captured = agent.metric("rollcall_agent_frames_captured_total"),
              let processed = agent.metric("rollcall_agent_frames_processed_total") else { return false }
        let dropped = (agent.metric("rollcall_agent_frames_dropped_total") ?? 0)
            + (agent.metric("rollcall_agent_frames_corrupt_total") ?? 0)
        return captured >= Double(frames) && processed + dropped >= captured
    }

    /// The face messages in the agent's outbox (read while the agent is stopped), by message id.
    static func outboxFaces(_ agent: EdgeAgentProcess) throws -> [UUID] {
        let outbox = try Outbox(folder: agent.outboxPath, maxBytes: 1 << 30)
        var ids: [UUID] = []
        while let entry = try outbox.checkOut() {
            if entry.topic.hasSuffix("/faces") { ids.append(try FaceCrop(decoding: entry.payload).messageID) }
        }
        return ids
    }

    // MARK: Broker down 30 s

    @Test(.enabled(if: AcknowledgeAfterCommitTests.modelsPresent, "needs the models: rollcall models fetch"),
          .timeLimit(.minutes(5)))
    func brokerDownThirtySecondsWhileTheAgentProduces() async throws {
        let fixture = try BrokerFixture(agents: [(Self.site, Self.agent)], folderPrefix: "rollcall-fault-broker")
        let (cloud, store, publicKey) = try Self.cloud(fixture)
        defer { cloud.kill9() }
        #expect(await eventually(within: 90) { await cloud.metric("rollcall_cloud_mqtt_connected") == 1 },
                "\(cloud.logTail())")

        // The feed lasts about 70 s: a new track every 5 frames at 3 frames/s.
        let agent = try EdgeAgentProcess(fixture: fixture, site: Self.site, agent: Self.agent, publicKey: publicKey)
        defer { agent.kill9() }
        let (feed, frames) = try agent.feed("run", photos: ["obama", "obama2"], rounds: 21, frames: 2, gap: 3)
        try agent.start(feed: feed, loop: false, rate: 3)
        let logs = { "--- agent:\n\(agent.logTail())\n--- cloud:\n\(cloud.logTail())" }
        #expect(await eventually(within: 90, every: .milliseconds(200)) { await !Self.stored(store).isEmpty }, "\(logs())")

        // The broker goes down for 30 s; the agent keeps accepting crops into its outbox.
        fixture.broker.stop()
        let down = ContinuousClock.now
        let queuedAtStop = agent.metric("rollcall_agent_crops_queued_total") ?? 0
        #expect(await eventually(within: 25, every: .milliseconds(200)) {
            (agent.metric("rollcall_agent_crops_queued_total") ?? 0) > queuedAtStop
        }, "no crop accepted while the broker was down\n\(logs())")
        try await Task.sleep(until: down + .seconds(30))   // the outage's length, not a check
        let queuedWhileDown = (agent.metric("rollcall_agent_crops_queued_total") ?? 0) - queuedAtStop
        let waitingAtRestart = agent.metric("rollcall_agent_outbox_depth") ?? 0
        try fixture.broker.start()

        // The feed ends and the outbox drains; then every accepted crop is stored, each once.
        #expect(await eventually(within: 120, every: .milliseconds(250)) {
            Self.played(agent, frames: frames) && agent.metric("rollcall_agent_outbox_depth") == 0
        }, "\(logs())")
        let queued = Int(agent.metric("rollcall_agent_crops_queued_total") ?? -1)
        let dropped = Int(agent.metric("rollcall_agent_outbox_dropped_oldest_total") ?? -1)
        #expect(await eventually(within: 180, every: .milliseconds(500)) {
            await Self.stored(store).count + Int(await Self.refused(cloud)) >= queued
        }, "\(logs())")
        let stored = await Self.stored(store)
        let refused = await Self.refused(cloud)
        print("fault run: broker down 30 s: the agent accepted \(queued) crops (\(Int(queuedWhileDown)) while the broker "
              + "was down, \(Int(waitingAtRestart)) waiting in the outbox at its return), dropped \(dropped); the cloud "
              + "stored \(stored.count) (\(Set(stored).count) distinct), refused \(Int(refused))")
        #expect(queuedWhileDown >= 5, "too few crops during the outage to show anything")
        #expect(dropped == 0)
        #expect(stored.count == queued)
        #expect(Set(stored).count == stored.count)
        #expect(refused == 0)
        #expect(await cloud.metric("rollcall_cloud_agent_outbox_dropped{agent=\"\(Self.site)/\(Self.agent)\"}") == 0)
        #expect(await agent.terminate())
        #expect(await cloud.terminate())
    }

    // MARK: Agent SIGKILL with a full outbox

    @Test(.enabled(if: AcknowledgeAfterCommitTests.modelsPresent, "needs the models: rollcall models fetch"),
          .timeLimit(.minutes(5)))
    func agentKilledWithAFullOutbox() async throws {
        // The broker is down while the agent runs: nothing leaves its 1 MiB outbox, which fills with large crops
        // and drops its oldest.
        let fixture = try BrokerFixture(agents: [(Self.site, Self.agent)], folderPrefix: "rollcall-fault-outbox",
                                        start: false)
        let (cloud, store, publicKey) = try Self.cloud(fixture)
        defer { cloud.kill9() }
        #expect(await eventually(within: 90) { await cloud.healthy }, "\(cloud.logTail())")
        let agent = try EdgeAgentProcess(fixture: fixture, site: Self.site, agent: Self.agent, publicKey: publicKey,
                                         outboxBytes: 1 << 20, cropPixels: 1024)
        defer { agent.kill9() }
        let (feed, frames) = try agent.feed("run", photos: ["obama", "obama2"], rounds: 8, frames: 2, gap: 3)
        try agent.start(feed: feed, loop: false, rate: 5)
        let logs = { "--- agent:\n\(agent.logTail())\n--- cloud:\n\(cloud.logTail())" }
        #expect(await eventually(within: 120, every: .milliseconds(250)) { Self.played(agent, frames: frames) },
                "\(logs())")
        let queued = Int(agent.metric("rollcall_agent_crops_queued_total") ?? -1)
        let dropped = Int(agent.metric("rollcall_agent_outbox_dropped_oldest_total") ?? -1)
        let depth = Int(agent.metric("rollcall_agent_outbox_depth") ?? -1)
        try #require(dropped > 0, "the outbox never filled: \(queued) crops queued\n\(logs())")
        #expect(queued == dropped + depth, "accepted \(queued) = dropped \(dropped) + waiting \(depth)")

        // SIGKILL with the outbox full; what it holds is what must arrive.
        agent.kill9()
        let waiting = try Self.outboxFaces(agent)
        #expect(waiting.count == depth)

        // The broker returns, the agent restarts (a camera without faces now): the outbox drains into the cloud,
        // each face once, and the drops reach the cloud's view of the agent.
        try fixture.broker.start()
        #expect(await eventually(within: 60) { await cloud.metric("rollcall_cloud_mqtt_connected") == 1 },
                "\(cloud.logTail())")
        try agent.start(feed: try agent.emptyFeed(), loop: true, rate: 2)
        #expect(await eventually(within: 120, every: .milliseconds(500)) {
            await Self.stored(store).count + Int(await Self.refused(cloud)) >= waiting.count
        }, "\(logs())")
        let stored = await Self.stored(store)
        let refused = await Self.refused(cloud)
        #expect(await eventually(within: 30) {
            (try? await store.agent(siteID: Self.site, id: Self.agent))??.outboxDropped == dropped
        }, "\(logs())")
        let cloudView = (try? await store.agent(siteID: Self.site, id: Self.agent))??.outboxDropped ?? -1
        let cloudMetric = await cloud.metric("rollcall_cloud_agent_outbox_dropped{agent=\"\(Self.site)/\(Self.agent)\"}")
        let agentAfterRestart = Int(agent.metric("rollcall_agent_outbox_dropped_oldest_total") ?? -1)
        // The Agents page: the agent's row, its "Outbox dropped" cell.
        let page = cloud.metricsToken().flatMap { cloud.dashboardPage("/dashboard/agents", token: $0) } ?? ""
        let row = page.components(separatedBy: "<tr class=\"agent\">").dropFirst()
            .first { $0.hasPrefix("<td>\(Self.agent)</td><td>\(Self.site)</td>") } ?? ""
        let pageView = row.components(separatedBy: "<td class=\"outbox-dropped\">").dropFirst().first
            .flatMap { Int($0.prefix { $0.isNumber }) }
        print("fault run: agent SIGKILL with a full outbox: the agent accepted \(queued) crops, dropped \(dropped) "
              + "(oldest first), held \(waiting.count) at the kill; after the restart the cloud stored \(stored.count) "
              + "(\(Set(stored).count) distinct), refused \(Int(refused)); drops the restarted agent reports "
              + "\(agentAfterRestart), the cloud's agent row \(cloudView), its Agents page \(pageView.map(String.init) ?? "absent"), "
              + "its metric \(cloudMetric.map { "\(Int($0))" } ?? "absent")")
        #expect(Set(stored) == Set(waiting))
        #expect(stored.count == waiting.count)
        #expect(refused == 0)
        #expect(agentAfterRestart == dropped)
        #expect(cloudView == dropped)
        #expect(pageView == dropped, "the Agents page:\n\(page.suffix(2000))")
        #expect(cloudMetric == Double(dropped))
        #expect(await eventually(within: 30) { agent.metric("rollcall_agent_outbox_depth") == 0 })
        #expect(await agent.terminate())
        #expect(await cloud.terminate())
    }
}
