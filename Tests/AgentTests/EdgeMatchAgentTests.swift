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

    /// Face messages grouped by track, in track order: the Obama track first, then Biden's.
    func tracks(_ faces: [FaceCrop]) -> [[FaceCrop]] {
        Dictionary(grouping: faces, by: \.trackID).sorted { $0.key < $1.key }.map(\.value)
    }

    /// Checks that every face carries the local decision: the Obama track the worker, Biden's unknown.
    func expectDecided(_ byTrack: [[FaceCrop]], sourceLocation: SourceLocation = #_sourceLocation) {
        for face in byTrack[0] {
            #expect(face.edge?.workerID == Self.worker, "the Obama face is the enrolled worker", sourceLocation: sourceLocation)
            #expect((face.edge?.distance ?? 1) < 0.47, sourceLocation: sourceLocation)
        }
        for face in byTrack[1] {
            #expect(face.edge != nil && face.edge?.workerID == nil, "Biden is not enrolled: unknown", sourceLocation: sourceLocation)
            #expect((face.edge?.distance ?? 0) >= 0.47, sourceLocation: sourceLocation)
        }
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
        #expect(waiting.allSatisfy { !$0.topic.hasSuffix("/results") }, "decisions travel inside the face messages")
        let crops = waiting.filter { $0.topic.hasSuffix("/faces") }.compactMap { try? FaceCrop(decoding: $0.payload) }
        let byTrack = tracks(crops)
        try #require(byTrack.count == 2, "one track per person: \(crops.map(\.trackID))")
        expectDecided(byTrack)
        #expect(crops.allSatisfy { $0.edge?.galleryVersion == Self.galleryVersion })
        // Edge-match still sends the crops (JPEG, ≥ 160 px), with the face in the JPEG's own pixels.
        for crop in crops {
            guard case .jpeg(let jpeg, let region) = crop.content else {
                Issue.record("edge-match sends JPEG crops")
                continue
            }
            let image = try Image.decode(jpeg)
            #expect(min(image.width, image.height) >= 160)
            let inside = crop.box.intersectionArea(with: Rect(x: 0, y: 0, width: Float(image.width), height: Float(image.height)))
            #expect(inside >= 0.9 * crop.box.area, "the box lies in the JPEG: \(crop.box) in \(image.width)×\(image.height)")
            #expect(region.width > 0 && region.x >= 0 && region.x + region.width <= 640, "the region lies in the 640-px frame")
        }

        // 2. The broker comes back: the restarted agent delivers everything it kept (and plays the camera again).
        try site.broker.start()
        let cloud = try await site.cloud()
        let online = try AgentProcess(config: config, metricsPort: site.metricsPort)
        let kept = Set(crops.map(\.messageID))
        #expect(await eventually(within: 300, every: .milliseconds(200)) {
            kept.isSubset(of: Set(cloud.faces.map(\.messageID)))
        }, "every kept crop arrives: \(online.log)")
        let delivered = cloud.faces.filter { kept.contains($0.messageID) }
        #expect(delivered.count == crops.count)
        #expect(delivered.contains { $0.edge?.workerID == Self.worker } && delivered.contains { $0.edge?.workerID == nil })
        #expect(cloud.agentResultMessages.isEmpty)
        #expect(online.stop())
        await cloud.close()
    }

    @Test func privacyModeSendsEmbeddingsWithTheirDecisionsButNoImage() async throws {
        let demo = try DemoFaces()
        let (site, frames, gallery) = try prepare(demo)
        try site.broker.start()
        defer { site.broker.kill() }
        let cloud = try await site.cloud()
        let config = try site.writeConfig(mode: .privacy, source: "{kind: folder, path: \(frames), loop: false}",
                                          rate: 2, queueDepth: 64)
        let agent = try AgentProcess(config: config, metricsPort: site.metricsPort)
        #expect(await eventually(within: 300, every: .milliseconds(200)) { agent.metric(Self.processed) == 9 || !agent.isRunning }, "\(agent.log)")
        #expect(await eventually(within: 30, every: .milliseconds(200)) { tracks(cloud.faces).count == 2 && agent.metric("rollcall_agent_outbox_depth") == 0 },
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
        // Face messages carry the dlib embedding, and it is the face's: the gallery decides it as the agent did.
        let faces = cloud.faces
        #expect(faces.count == received.filter { $0.topic.hasSuffix("/faces") }.count, "every face message decodes")
        #expect(cloud.agentResultMessages.isEmpty)
        let byTrack = tracks(faces)
        try #require(byTrack.count == 2, "\(faces.map(\.trackID))")
        for face in faces {
            guard case .embedding(let embedding) = face.content else {
                Issue.record("privacy mode sent a face message with an image")
                continue
            }
            #expect(embedding.modelID == Backbone.dlib.modelID && embedding.values.count == 128)
            let local = try gallery.decide(embedding.values)
            #expect(face.edge?.workerID == local.workerID && face.edge?.distance == local.distance)
        }
        expectDecided(byTrack)
        // The heartbeat says which mode runs and which gallery is in use.
        let status = try #require(cloud.statuses.last)
        #expect(status.mode == .privacy && status.galleryVersion >= Self.galleryVersion)
    }
}
