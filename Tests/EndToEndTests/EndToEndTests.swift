// The whole system end to end, headless: Mosquitto with TLS and client certificates, the release cloud and
// agent as separate processes, the agent's camera a folder of the demo photos. The scenario of issue #9:
// Obama enrolled and recognised (with an emotion), Biden unknown, Biden enrolled through the API and the
// agent's acknowledgement of the new gallery, Biden recognised, then a broker restart in the middle of a feed
// with no crop lost.
import Foundation
import Testing
import TestSupport

@Suite("End to end", .serialized)
struct EndToEndTests {
    @Test("broker, cloud and agent over TLS: enroll, recognise, unknown, gallery push, broker restart",
          .timeLimit(.minutes(6)))
    func wholeSystem() async throws {
        let system = try SystemUnderTest()
        var passed = false
        defer {
            system.shutdown()
            if passed { system.removeState() } else { print("end-to-end state and logs kept in \(system.root.path)") }
        }
        try system.makePKI()
        try await system.startBroker()
        try await system.startCloud()
        let api = system.client
        let publicKey = try await api.get("/api/v1/gallery/public-key", as: PublicKeyJSON.self).publicKey

        // Obama is enrolled from two photos before the agent starts.
        let obama = try await api.enroll(name: "Barack Obama",
                                         photos: [system.photo("obama.jpg"), system.photo("obama2.jpg")])

        // 1. The agent plays obama3.jpg and biden.jpg in a loop, an empty frame between them.
        let loopFeed = try system.makeFeed("loop", photos: ["obama3.jpg", "biden.jpg"], rounds: 1, frames: 3, gap: 3)
        try system.startAgent(feed: loopFeed, loop: true, rate: 4, publicKey: publicKey)
        let agentID = SystemUnderTest.agentID

        let obamaSeen = try await poll("Obama recognised in obama3.jpg with an emotion", within: 120,
                                             context: system.logs) { () async throws -> DetectionJSON? in
            try await api.detections("worker=\(obama.worker)&agent=\(agentID)").first { $0.emotion != nil }
        }
        #expect(obamaSeen.siteID == SystemUnderTest.site)
        #expect(obamaSeen.camera == "entrance")
        #expect((obamaSeen.distance ?? 1) < 0.6, "Obama's distance \(obamaSeen.distance ?? -1) is not below the threshold")

        let unknownSeen = try await poll("Biden (not enrolled) reported as unknown", within: 60,
                                               context: system.logs) { () async throws -> DetectionJSON? in
            try await api.detections("unknown=true&agent=\(agentID)").first
        }
        #expect(unknownSeen.workerID == nil)

        // 2. Biden is enrolled through the API: a new gallery version, acknowledged by the agent, then Biden is
        //    recognised in later crops.
        let enrolledAt = Date()
        let biden = try await api.enroll(name: "Joe Biden", photos: [system.photo("biden.jpg")])
        #expect(biden.galleryVersion > obama.galleryVersion)
        let acknowledged = try await poll("the agent acknowledges gallery version \(biden.galleryVersion)",
                                                within: 60, context: system.logs) { () async throws -> GalleryVersionJSON? in
            let version: GalleryVersionJSON = try await api.get("/api/v1/gallery/versions/\(biden.galleryVersion)")
            return version.acknowledgedBy.contains(where: { $0 == agentID || $0.hasSuffix(agentID) }) ? version : nil
        }
        #expect(acknowledged.workerCount == 2)
        let agents: [AgentJSON] = try await api.get("/api/v1/agents")
        let record = agents.first { $0.id == agentID || $0.id.hasSuffix(agentID) }
        #expect(record != nil, "the cloud lists no agent \(agentID): \(agents.map(\.id))")
        #expect((record?.galleryVersionAcked ?? 0) >= biden.galleryVersion)

        let bidenSeen = try await poll("Biden recognised after his enrollment", within: 90,
                                             context: system.logs) { () async throws -> DetectionJSON? in
            try await api.detections("worker=\(biden.worker)&agent=\(agentID)").first {
                $0.time > enrolledAt.addingTimeInterval(-1)
            }
        }
        #expect((bidenSeen.distance ?? 1) < 0.6)

        // 3. A new agent run plays a finite feed; the broker is stopped while it runs and started again. Every
        //    crop the agent queued must reach the cloud (stored, or refused by the cloud and counted).
        let refusedBefore = Self.refusedCrops(try await api.metricsText())
        let runStart = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970) - 1)
        let finiteFeed = try system.makeFeed("finite", photos: ["obama3.jpg", "biden.jpg"], rounds: 6, frames: 2, gap: 3)
        let frameCount = 6 * 2 * (2 + 3)
        try system.startAgent(feed: finiteFeed, loop: false, rate: 5, publicKey: publicKey)
        _ = try await poll("the agent queues its first crops", within: 60, every: .milliseconds(200),
                                 context: system.logs) { () async throws -> Bool? in
            prometheusSum(try await system.agentMetrics(), metric: "rollcall_agent_crops_queued_total") >= 1 ? true : nil
        }
        system.stopBroker()
        let queuedAtStop = prometheusSum(try await system.agentMetrics(), metric: "rollcall_agent_crops_queued_total")
        // Crops keep being queued (into the outbox) while the broker is down.
        let queuedAtRestart = try await poll("a crop queued while the broker is down", within: 60, every: .milliseconds(200),
                                                   context: system.logs) { () async throws -> Double? in
            let queued = prometheusSum(try await system.agentMetrics(), metric: "rollcall_agent_crops_queued_total")
            return queued > queuedAtStop ? queued : nil
        }
        try await system.startBroker()
        #expect(queuedAtRestart > queuedAtStop)

        // The feed ends, the outbox drains.
        let drained = try await poll("the feed played and the outbox drained", within: 120,
                                           context: system.logs) { () async throws -> String? in
            let text = try await system.agentMetrics()
            let captured = prometheusSum(text, metric: "rollcall_agent_frames_captured_total")
            let depth = prometheusSum(text, metric: "rollcall_agent_outbox_depth")
            return captured >= Double(frameCount) && depth == 0 ? text : nil
        }
        let queued = Int(prometheusSum(drained, metric: "rollcall_agent_crops_queued_total"))
        #expect(prometheusSum(drained, metric: "rollcall_agent_outbox_dropped_oldest_total") == 0)
        #expect(queued >= 6, "only \(queued) crops for 12 faces shown")

        // The cloud has every one of them (duplicates from QoS 1 redelivery allowed).
        let observed = Observed()
        let (stored, refused) = try await poll("every crop of the run reaches the cloud", within: 120, context: {
            "agent queued \(queued) crops (\(Int(queuedAtRestart - queuedAtStop)) while the broker was down); the cloud "
                + "stored \(observed.stored) and refused \(observed.refused) of them\n" + system.logs()
        }) { () async throws -> (Int, Int)? in
            let formatter = ISO8601DateFormatter()
            let rows = try await api.detections("agent=\(agentID)&from=\(formatter.string(from: runStart))")
            let refusedNow = Self.refusedCrops(try await api.metricsText())
            let refused = Int(refusedNow - refusedBefore)
            observed.stored = rows.count
            observed.refused = refused
            return rows.count + refused >= queued ? (rows.count, refused) : nil
        }
        print("end to end: broker restart: agent queued \(queued) crops (\(Int(queuedAtRestart - queuedAtStop)) while the broker was down); cloud stored \(stored), refused \(refused)")
        #expect(refused == 0, "the cloud refused \(refused) crops of the run:\n\(system.logs())")
        #expect(system.agent?.isRunning == true, "the agent stopped:\n\(system.logs())")
        #expect(system.cloud?.isRunning == true, "the cloud stopped:\n\(system.logs())")
        passed = true
    }

    /// The last counts seen by a poll, for the failure message.
    final class Observed: @unchecked Sendable {
        var stored = 0
        var refused = 0
    }

    /// Face messages the cloud refused, whatever the reason: at recognition (`crops_refused`: unknown agent, no
    /// face in the crop, …) or at decoding (`messages_refused` of face messages: malformed, oversized, …).
    static func refusedCrops(_ metrics: String) -> Double {
        prometheusSum(metrics, metric: "rollcall_cloud_crops_refused_total")
            + ["oversized", "malformed"].reduce(0) { total, reason in
                total + prometheusSum(metrics, metric: "rollcall_cloud_messages_refused_total", labels: "reason=\"\(reason)\"")
            }
    }
}
