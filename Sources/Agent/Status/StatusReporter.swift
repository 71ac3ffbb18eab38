// Builds heartbeat reports and Prometheus text from the counters, the outbox and the gallery.
import Foundation
import Neural
import RollcallCore

/// Reads every figure the agent exposes; frames/s per camera come from the counter change since the last report.
public final class StatusReporter: @unchecked Sendable {
    let mode: AgentConfig.Mode
    let cameras: [String]
    let stats: AgentStats
    let outbox: Outbox
    let galleryVersion: @Sendable () -> UInt64
    let started = Date()
    private let lock = NSLock()
    private var previous: (time: Date, processed: [String: Int])?

    public init(mode: AgentConfig.Mode, cameras: [String], stats: AgentStats, outbox: Outbox,
                galleryVersion: @escaping @Sendable () -> UInt64) {
        self.mode = mode
        self.cameras = cameras
        self.stats = stats
        self.outbox = outbox
        self.galleryVersion = galleryVersion
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

    /// Every counter in the Prometheus text exposition format (version 0.0.4).
    public func prometheusText(now: Date = Date()) -> String {
        let snapshot = stats.snapshot()
        let box = outbox.stats
        var text = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            text += "# HELP rollcall_agent_\(name) \(help)\n# TYPE rollcall_agent_\(name) \(type)\n"
            for sample in samples {
                let value = sample.value.rounded() == sample.value && abs(sample.value) < 1e15
                    ? String(Int64(sample.value)) : String(sample.value)
                text += "rollcall_agent_\(name)\(sample.labels) \(value)\n"
            }
        }
        metric("info", "gauge", "Agent version and mode.",
               [("{version=\"\(RollcallVersion.current)\",mode=\"\(mode.rawValue)\"}", 1)])
        metric("uptime_seconds", "gauge", "Seconds since the agent started.", [("", now.timeIntervalSince(started))])
        let kernels = KernelDispatch.active
        metric("kernels_info", "gauge", "Inference kernels: instruction set and GEMM (slow_path: baseline or OpenBLAS Prescott).",
               [("{isa=\"\(kernels.isa.rawValue)\",gemm=\"\(kernels.gemmName)\",slow_path=\"\(kernels.isSlowPath)\"}", 1)])
        for counter in AgentStats.CameraCounter.allCases {
            metric("\(counter.rawValue)_total", "counter", "Per camera: \(counter.rawValue.replacingOccurrences(of: "_", with: " ")).",
                   cameras.map { ("{camera=\"\($0)\"}", Double(snapshot[counter, camera: $0])) })
        }
        for counter in AgentStats.Counter.allCases {
            metric("\(counter.rawValue)_total", "counter", counter.rawValue.replacingOccurrences(of: "_", with: " ") + ".",
                   [("", Double(snapshot[counter]))])
        }
        metric("outbox_depth", "gauge", "Messages waiting in the outbox.", [("", Double(box.depth))])
        metric("outbox_bytes", "gauge", "Bytes in the outbox.", [("", Double(box.bytes))])
        metric("outbox_oldest_age_seconds", "gauge", "Age of the oldest waiting message (0 when empty).",
               [("", box.oldestCreatedAt.map { max(0, now.timeIntervalSince1970 - $0) } ?? 0)])
        metric("outbox_dropped_oldest_total", "counter", "Messages dropped because the outbox was full.",
               [("", Double(box.droppedOldest))])
        metric("outbox_dropped_corrupt_total", "counter", "Damaged outbox entries removed.", [("", Double(box.droppedCorrupt))])
        metric("outbox_acknowledged_total", "counter", "Messages acknowledged by the broker.", [("", Double(box.acknowledged))])
        metric("gallery_version", "gauge", "Gallery version in use (0: none).", [("", Double(galleryVersion()))])
        return text
    }
}
