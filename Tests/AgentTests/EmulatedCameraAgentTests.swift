// The emulated V4L2 camera (Sources/FakeV4L2, LD_PRELOAD) driven through the WHOLE agent: the `rollcall-agent`
// executable reads `/dev/video0` through libv4l2 and the real Capture code, detects and tracks faces, and
// publishes crops over mTLS to a real Mosquitto; the camera is unplugged mid-stream and comes back.
import Foundation
import Imaging
import Testing
import TestSupport
import Wire
@testable import Agent

@Suite(.serialized) struct EmulatedCameraAgentTests {
    /// The emulated device library, built by `swift build --build-tests` next to the agent executable.
    func fakeLibrary() throws -> String {
        try BuiltProducts.path("libFakeV4L2.so")
    }

    @Test func cropsFromTheEmulatedCameraReachTheCloudAcrossAnUnplug() async throws {
        let demo = try DemoFaces()
        let site = try AgentSite()
        try site.broker.start()
        defer { site.broker.kill() }
        // The camera's loop: an Obama face for 6 frames, then nobody for 4 (so every loop is a new track).
        let empty = try DemoFaces.emptyFrame()
        let faceFrames = try (0..<6).map { try demo.cameraFrame("demo-obama", shift: Float(3 * $0)) }
        let frames = try site.frames(faceFrames + [empty, empty, empty, empty])
        let config = try site.writeConfig(mode: .cloudMatch, source: "{kind: v4l2, device: /dev/video0}", rate: 5,
                                          queueDepth: 2)
        let cloud = try await site.cloud()
        let agent = try AgentProcess(config: config, metricsPort: site.metricsPort, environment: [
            "LD_PRELOAD": try fakeLibrary(),
            "ROLLCALL_FAKE_V4L2_FRAMES": frames,
            "ROLLCALL_FAKE_V4L2_FORMATS": "MJPG,YUYV",
            "ROLLCALL_FAKE_V4L2_SIZE": "640x480",
            "ROLLCALL_FAKE_V4L2_FPS": "5",
            "ROLLCALL_FAKE_V4L2_UNPLUG_AFTER": "15",
            "ROLLCALL_FAKE_V4L2_UNPLUG_MS": "500",
        ])
        let restarts = "rollcall_agent_source_restarts_total{camera=\"entrance\"}"
        let captured = "rollcall_agent_frames_captured_total{camera=\"entrance\"}"

        // Crops arrive from the first tracks; the camera disappears after 15 frames and the agent reopens it.
        #expect(await eventually(within: 120, every: .milliseconds(200)) { !cloud.faces.isEmpty || !agent.isRunning }, "\(agent.log)")
        #expect(await eventually(within: 60, every: .milliseconds(200)) { agent.metric(restarts) == 1 || !agent.isRunning },
                "the unplug is seen and the device reopened: \(agent.log)")
        let framesAtReopen = agent.metric(captured) ?? 0
        let tracksBefore = Set(cloud.faces.map(\.trackID))
        // The agent keeps going: more frames, and crops of tracks that started after the reopen.
        #expect(await eventually(within: 120, every: .milliseconds(200)) {
            (agent.metric(captured) ?? 0) >= framesAtReopen + 10 && !Set(cloud.faces.map(\.trackID)).subtracting(tracksBefore).isEmpty
        }, "frames and new tracks after the reopen: \(agent.log)")
        #expect(agent.isRunning)
        #expect(agent.stop())
        await cloud.close()

        let faces = cloud.faces
        #expect(faces.allSatisfy { $0.camera == AgentSite.camera && $0.frameWidth == 640 && $0.frameHeight == 480 })
        for face in faces {
            guard case .jpeg(let jpeg, _) = face.content else {
                Issue.record("cloud-match sends JPEG crops")
                continue
            }
            let crop = try Image.decode(jpeg)
            #expect(min(crop.width, crop.height) >= 160, "crops are at least 160 px")
        }
        let online = cloud.all.filter { $0.topic.hasSuffix("/availability") }.compactMap { try? Availability(decoding: $0.payload) }
        #expect(online.contains { $0.online }, "the agent announced itself online")
    }
}
