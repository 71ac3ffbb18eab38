// Builds heartbeat reports and the `/metrics` figures from the counters, the outbox and the gallery.
import Foundation
import Neural
import RollcallCore
import RollcallMetrics

/// Reads every figure the agent exposes; frames/s per camera come from the counter change since the last report.
public final class StatusReporter: @unchecked Sendable {
    let mode: AgentConfig.Mode
    let cameras: [String]
    let stats: AgentStats
    let outbox: Outbox
    let galleryVersion: @Sendable () -> UInt64
    let started = Date()
    /// This agent's metrics (its own registry: several agents in one test process each expose their own).
    let metrics = MetricsRegistry()
    private let lock = NSLock()
    private var previous: (time: Date, processed: [String: Int])?

    public init(mode: AgentConfig.Mode, cameras: [String], stats: AgentStats, outbox: Outbox,
                galleryVersion: @escaping @Sendable () -> UInt64) {
        self.mode = mode
        self.cameras = cameras
        self.stats = stats
        self.outbox = outbox
        self.galleryVersion = galleryVersion
        metrics.set("rollcall_agent_info", labels: ["version": RollcallVersion.current, "mode": mode.rawValue], to: 1)
        // Inference kernels: instruction set and GEMM (slow_path: baseline or OpenBLAS Prescott).
        let kernels = KernelDispatch.active
        metrics.set("rollcall_agent_kernels_info", labels: ["isa": kernels.isa.rawValue, "gemm": kernels.gemmName,
                                                            "slow_path": String(kernels.isSlowPath)], to: 1)
    }

    /// A heartbeat report; frames/s is measured since the previous report.
    public func report(now: Date = Date()) -> StatusReport {
        let snapshot = stats.snapshot()
        let processed = Dictionary(uniqueKeysWithValues: cameras.map { ($0, snapshot[.framesProcessed, camera: $0]) })
        let last = lock.withLock { () -> (time: Date, processed: [String: Int])? in
            defer { previous = (now, processed) }
            return previous
        } ?? (started, [:])
        let elapsed = max(1e-3, now.timeIntervalSince(last.time))
        let cameraStatus = cameras.map { id in
            let rate = Double(processed[id, default: 0] - last.processed[id, default: 0]) / elapsed
            return CameraStatus(id: id, framesPerSecond: rate, framesCaptured: snapshot[.framesCaptured, camera: id],
                                framesDropped: snapshot[.framesDropped, camera: id] + snapshot[.framesCorrupt, camera: id],
                                facesQueued: snapshot[.facesQueued, camera: id], online: rate > 0)
        }
        return StatusReport(sentAt: now, agentVersion: RollcallVersion.current, mode: mode,
                            uptimeSeconds: now.timeIntervalSince(started), cameras: cameraStatus, outbox: outbox.stats,
                            galleryVersion: galleryVersion())
    }

    /// Every figure in the Prometheus text exposition format (version 0.0.4): the counters, the outbox and the
    /// gallery are read now into the registry, which swift-prometheus renders.
    public func prometheusText(now: Date = Date()) -> String {
        let snapshot = stats.snapshot()
        let box = outbox.stats
        metrics.set("rollcall_agent_uptime_seconds", to: now.timeIntervalSince(started))
        for counter in AgentStats.CameraCounter.allCases {
            for camera in cameras {
                metrics.advance("rollcall_agent_\(counter.rawValue)_total", labels: ["camera": camera],
                                to: Double(snapshot[counter, camera: camera]))
            }
        }
        for counter in AgentStats.Counter.allCases {
            metrics.advance("rollcall_agent_\(counter.rawValue)_total", to: Double(snapshot[counter]))
        }
        metrics.set("rollcall_agent_outbox_depth", to: Double(box.depth))
        metrics.set("rollcall_agent_outbox_bytes", to: Double(box.bytes))
        // Age of the oldest waiting message (0 when empty).
        metrics.set("rollcall_agent_outbox_oldest_age_seconds",
                    to: box.oldestCreatedAt.map { max(0, now.timeIntervalSince1970 - $0) } ?? 0)
        metrics.advance("rollcall_agent_outbox_dropped_oldest_total", to: Double(box.droppedOldest))
        metrics.advance("rollcall_agent_outbox_dropped_corrupt_total", to: Double(box.droppedCorrupt))
        metrics.advance("rollcall_agent_outbox_acknowledged_total", to: Double(box.acknowledged))
        // Gallery version in use (0: none).
        metrics.set("rollcall_agent_gallery_version", to: Double(galleryVersion()))
        return metrics.prometheusText()
    }
}
