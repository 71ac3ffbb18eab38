// The whole agent (the `rollcall-agent` executable) in edge-match and privacy modes, with the real models: a
// gallery signed like the cloud's enrolls a worker from the demo Obama photos; a folder camera plays an Obama
// face, nobody, then a Biden face. A real Mosquitto (mTLS) is down, then up.
import Crypto
import FaceRecognition
import Foundation
import Imaging
import RollcallCore
import Testing
import TestSupport
import Wire
@testable import Agent

@Suite(.serialized) struct EdgeMatchAgentTests {
    static let worker: WorkerID = 42
    static let galleryVersion: UInt64 = 7
    static let processed = "rollcall_agent_frames_processed_total{camera=\"entrance\"}"

    /// The site, the seeded gallery and the camera's frames: 3 Obama frames (the face drifting), 3 empty, 3 Biden.
    func prepare(_ demo: DemoFaces, _ name: String = #function) throws -> (site: AgentSite, frames: String, gallery: Gallery) {
        let site = try AgentSite(name)
        // Enrolled from two other photos than the one the camera sees.
        let (message, gallery) = try demo.signedGallery([Self.worker: ["demo-obama2", "demo-obama3"]],
                                                        version: Self.galleryVersion, key: site.key)
        try site.seedGallery(message)
        let empty = try DemoFaces.emptyFrame()
        let frames = try site.frames([try demo.cameraFrame("demo-obama"), try demo.cameraFrame("demo-obama", shift: 4),
                                      try demo.cameraFrame("demo-obama", shift: 8), empty, empty, empty,
                                      try demo.cameraFrame("demo-biden"), try demo.cameraFrame("demo-biden", shift: 4),
                                      try demo.cameraFrame("demo-biden", shift: 8)])
        return (site, frames, gallery)
    }

    /// Results grouped by track, in track order: the Obama track first, then Biden's.
    func tracks(_ results: [RecognitionResult]) -> [[RecognitionResult]] {
        Dictionary(grouping: results, by: \.trackID).sorted { $0.key < $1.key }.map(\.value)
    }

    @Test func edgeMatchNamesTheWorkerWhileTheBrokerIsDownThenDeliversEverything() async throws {
        let demo = try DemoFaces()
        let (site, frames, _) = try prepare(demo)
        defer { site.broker.kill() }
        let config = try site.writeConfig(mode: .edgeMatch, source: "{kind: folder, path: \(frames), loop: false}",
                                          rate: 2, queueDepth: 64)

        // 1. The broker is down (its port is closed): the agent recognises locally and keeps everything.
        let offline = try AgentProcess(config: config, metricsPort: site.metricsPort)
        #expect(await eventually(within: 300, every: .milliseconds(200)) { offline.metric(Self.processed) == 9 || !offline.isRunning }, "\(offline.log)")
        #expect(offline.metric("rollcall_agent_gallery_version") == Double(Self.galleryVersion))
        #expect(offline.metric("rollcall_agent_outbox_acknowledged_total") == 0)
        #expect(offline.metric("rollcall_agent_embedding_failures_total") == 0)
        #expect(offline.stop(), "a clean stop on SIGTERM")

        let waiting = try site.outboxMessages()
        let results = waiting.filter { $0.topic.hasSuffix("/results") }.compactMap { try? RecognitionResult(decoding: $0.payload) }
        let crops = waiting.filter { $0.topic.hasSuffix("/faces") }.compactMap { try? FaceCrop(decoding: $0.payload) }
        let byTrack = tracks(results)
        try #require(byTrack.count == 2, "one track per person: \(results)")
        for result in byTrack[0] {
            #expect(result.workerID == String(Self.worker), "the Obama face is the enrolled worker")
            #expect((result.distance ?? 1) < 0.47)
        }
        for result in byTrack[1] {
            #expect(result.workerID == nil, "Biden is not enrolled: unknown")
            #expect((result.distance ?? 0) >= 0.47)
        }
        #expect(results.allSatisfy { $0.galleryVersion == Self.galleryVersion && $0.source == .edge })
        // Every result belongs to a crop waiting beside it; edge-match still sends the crops (JPEG, ≥ 160 px).
        let cropIDs = Set(crops.map(\.messageID))
        #expect(results.allSatisfy { cropIDs.contains($0.cropMessageID) })
        for crop in crops {
            guard case .jpeg(let jpeg) = crop.content else {
                Issue.record("edge-match sends JPEG crops")
                continue
            }
            let image = try Image.decode(jpeg)
            #expect(min(image.width, image.height) >= 160)
        }

        // 2. The broker comes back: the restarted agent delivers everything it kept (and plays the camera again).
        try site.broker.start()
        let cloud = try await site.cloud()
        let online = try AgentProcess(config: config, metricsPort: site.metricsPort)
        let kept = Set(results.map(\.messageID)).union(cropIDs)
        #expect(await eventually(within: 300, every: .milliseconds(200)) {
            kept.isSubset(of: Set(cloud.results.map(\.messageID)).union(cloud.faces.map(\.messageID)))
        }, "every kept result and crop arrives: \(online.log)")
        let delivered = cloud.results.filter { kept.contains($0.messageID) }
        #expect(delivered.count == results.count)
        #expect(delivered.contains { $0.workerID == String(Self.worker) } && delivered.contains { $0.workerID == nil })
        #expect(online.stop())
        await cloud.close()
    }

    @Test func privacyModeSendsEmbeddingsAndResultsButNoImage() async throws {
        let demo = try DemoFaces()
        let (site, frames, gallery) = try prepare(demo)
        try site.broker.start()
        defer { site.broker.kill() }
        let cloud = try await site.cloud()
        let config = try site.writeConfig(mode: .privacy, source: "{kind: folder, path: \(frames), loop: false}",
                                          rate: 2, queueDepth: 64)
        let agent = try AgentProcess(config: config, metricsPort: site.metricsPort)
        #expect(await eventually(within: 300, every: .milliseconds(200)) { agent.metric(Self.processed) == 9 || !agent.isRunning }, "\(agent.log)")
        #expect(await eventually(within: 30, every: .milliseconds(200)) { tracks(cloud.results).count == 2 && agent.metric("rollcall_agent_outbox_depth") == 0 },
                "\(agent.log)")
        #expect(await eventually(within: 10) { cloud.statuses.contains { $0.galleryVersion == Self.galleryVersion } })
        // The cloud enrolls Biden too: the signed snapshot arrives live, is decoded, swapped in and acknowledged.
        let (update, _) = try demo.signedGallery([Self.worker: ["demo-obama2", "demo-obama3"], 43: ["demo-biden"]],
                                                 version: Self.galleryVersion + 1, key: site.key)
        try await cloud.client.publish(update, to: Topic.gallery(site: AgentSite.site).name, retain: true)
        #expect(await eventually(within: 30, every: .milliseconds(200)) {
            agent.metric("rollcall_agent_gallery_version") == Double(Self.galleryVersion + 1)
        }, "\(agent.log)")
        #expect(await eventually(within: 10) { cloud.acks.contains { $0.version == Self.galleryVersion + 1 && $0.outcome == .applied } })
        #expect(agent.stop())
        await cloud.close()

        // Nothing that reached the broker holds a JPEG (no SOI marker anywhere in any payload).
        let received = cloud.all
        #expect(!received.isEmpty)
        for message in received {
            #expect(message.payload.range(of: Data([0xFF, 0xD8, 0xFF])) == nil, "\(message.topic) carries JPEG bytes")
        }
        // Face messages carry the dlib embedding, and it is the face's: the Obama one matches the gallery.
        let faces = cloud.faces
        #expect(faces.count == received.filter { $0.topic.hasSuffix("/faces") }.count, "every face message decodes")
        let results = cloud.results
        let byTrack = tracks(results)
        try #require(byTrack.count == 2, "\(results)")
        for face in faces {
            guard case .embedding(let embedding) = face.content else {
                Issue.record("privacy mode sent a face message with an image")
                continue
            }
            #expect(embedding.modelID == Backbone.dlib.modelID && embedding.values.count == 128)
            let local = try gallery.decide(embedding.values)
            let isObama = face.trackID == byTrack[0][0].trackID
            #expect(local.workerID == (isObama ? Self.worker : nil))
        }
        #expect(byTrack[0].allSatisfy { $0.workerID == String(Self.worker) })
        #expect(byTrack[1].allSatisfy { $0.workerID == nil })
        #expect(Set(results.map(\.cropMessageID)).isSubset(of: Set(faces.map(\.messageID))))
        // The heartbeat says which mode runs and which gallery is in use.
        let status = try #require(cloud.statuses.last)
        #expect(status.mode == .privacy && status.galleryVersion >= Self.galleryVersion)
    }
}
