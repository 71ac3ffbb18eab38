import Foundation
import Testing
import TestSupport
@testable import Agent

@Suite struct StatusTests {
    func reporter() throws -> (StatusReporter, AgentStats, Outbox) {
        let stats = AgentStats()
        let outbox = try Outbox(folder: temporaryFolder(), maxBytes: 1 << 20)
        return (StatusReporter(mode: .edgeMatch, cameras: ["door", "hall"], stats: stats, outbox: outbox,
                               galleryVersion: { 42 }), stats, outbox)
    }

    @Test func heartbeatReportsRatesDropsOutboxAndGallery() throws {
        let (reporter, stats, outbox) = try reporter()
        let start = Date()
        _ = reporter.report(now: start)
        stats.count(.framesProcessed, camera: "door", by: 30)
        stats.count(.framesCaptured, camera: "door", by: 35)
        stats.count(.framesDropped, camera: "door", by: 4)
        stats.count(.framesCorrupt, camera: "door", by: 1)
        stats.count(.faces, camera: "door", by: 12)
        stats.count(.facesQueued, camera: "door", by: 2)
        try outbox.append(topic: "t", payload: Data(count: 10), createdAt: start.timeIntervalSince1970 - 60)
        let report = reporter.report(now: start.addingTimeInterval(2))
        let door = try #require(report.cameras.first { $0.id == "door" })
        #expect(abs(door.framesPerSecond - 15) < 0.01)
        #expect(door.framesDropped == 5)
        #expect(door.facesQueued == 2, "faces published, not faces detected")
        #expect(door.online)
        #expect(report.cameras.first { $0.id == "hall" }?.online == false)
        #expect(report.outbox.depth == 1)
        #expect(report.galleryVersion == 42)
        #expect(report.mode == .edgeMatch)
    }

    @Test func metricsEndpointServesPrometheusText() async throws {
        let (reporter, stats, _) = try reporter()
        stats.count(.framesDropped, camera: "door", by: 3)
        let server = MetricsServer(address: "127.0.0.1", port: 0) { reporter.prometheusText() }
        let port = PortBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(boundPort: { port.set($0) }) }
            #expect(await eventually { port.value != nil })
            let bound = try #require(port.value)
            let (status, body) = try LoopbackHTTP.get(port: bound, path: "/metrics")
            #expect(status == 200)
            #expect(body.contains("# TYPE rollcall_agent_frames_dropped_total counter"))
            #expect(body.contains("rollcall_agent_frames_dropped_total{camera=\"door\"} 3"))
            #expect(body.contains("rollcall_agent_gallery_version 42.0\n"))
            // Labels come sorted by key (swift-prometheus keeps the order it is given; the registry sorts).
            #expect(body.contains("rollcall_agent_kernels_info{gemm=\""))
            #expect(body.contains("rollcall_agent_info{mode=\"edge-match\",version=\""))
            #expect(try LoopbackHTTP.get(port: bound, path: "/other").status == 404)
            group.cancelAll()
        }
    }
}

final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?
    func set(_ value: Int) { lock.withLock { port = value } }
    var value: Int? { lock.withLock { port } }
}
