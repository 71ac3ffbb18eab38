// The background job that deletes crops older than their kind's retention period.
import Foundation
import Logging
import ServiceLifecycle

/// Deletes crop files past retention (known and unknown faces have separate periods) and clears their
/// references, every `interval`, until cancelled or shut down gracefully.
public struct RetentionService: Service {
    let store: any Store
    let crops: any BlobVault
    let retention: CloudConfig.Retention
    let metrics: CloudMetrics
    let logger: Logger

    public init(store: any Store, crops: any BlobVault, retention: CloudConfig.Retention, metrics: CloudMetrics,
                logger: Logger) {
        self.store = store
        self.crops = crops
        self.retention = retention
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                // One aggregator sweeps at a time (the others skip this round).
                let removed = try await store.exclusively("retention") { try await self.sweep(now: Date()) }
                if let removed, removed > 0 { logger.info("retention removed \(removed) crops") }
                if removed == nil { metrics.increment("rollcall_cloud_retention_skipped_total") }
            } catch {
                metrics.increment("rollcall_cloud_retention_errors_total")
                logger.error("retention sweep failed: \(error)")
            }
            try? await gracefulShutdownSleep(seconds: retention.sweepIntervalSeconds)
        }
    }

    /// One sweep: removes every expired crop; returns how many detections lost their crop.
    @discardableResult
    public func sweep(now: Date) async throws(CloudError) -> Int {
        let known = now.addingTimeInterval(-retention.knownDays * 86400)
        let unknown = now.addingTimeInterval(-retention.unknownDays * 86400)
        var total = 0
        while true {
            let batch = try await store.expiredCrops(knownBefore: known, unknownBefore: unknown, limit: 500)
            if batch.isEmpty { break }
            await crops.remove(batch.map(\.1))
            try await store.clearCrops(detectionIDs: batch.map(\.0))
            total += batch.count
            metrics.increment("rollcall_cloud_crops_expired_total", by: Double(batch.count))
        }
        return total
    }
}

/// Sleeps `seconds`, returning early when the task is cancelled or the service group shuts down.
func gracefulShutdownSleep(seconds: Double) async throws {
    try await cancelWhenGracefulShutdown {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
    }
}
