// The background jobs that delete what is kept only for a while: crops past their kind's retention period, idle
// tracks' shared state, old live-feed events and old notification deliveries.
import Foundation
import Logging
import ServiceLifecycle

/// Deletes crop files past retention (known and unknown faces have separate periods) and clears their
/// references, every `retention.sweepIntervalSeconds`; and every `liveStateInterval` the state of tracks idle
/// longer than track fusion's idle timeout (they start afresh anyway), live events older than
/// `retention.liveEventHours` and notification deliveries older than `retention.notificationDays`, each table
/// also capped in rows. Runs until cancelled or shut down gracefully;
/// one aggregator sweeps at a time.
public struct RetentionService: Service {
    let store: any Store
    let crops: any BlobVault
    let retention: CloudConfig.Retention
    let metrics: CloudMetrics
    let logger: Logger
    /// Seconds between two sweeps of tracks and live events.
    let liveStateInterval: Double
    /// Most tracks and live events kept, whatever their age.
    static let maxTracks = 100_000
    static let maxLiveEvents = 100_000
    /// Most notification deliveries kept, whatever their age.
    public static let maxNotificationDeliveries = 100_000

    public init(store: any Store, crops: any BlobVault, retention: CloudConfig.Retention, metrics: CloudMetrics,
                logger: Logger, liveStateInterval: Double = 60) {
        self.store = store
        self.crops = crops
        self.retention = retention
        self.metrics = metrics
        self.logger = logger
        self.liveStateInterval = liveStateInterval
    }

    public func run() async throws {
        var nextCropSweep = Date()
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            if Date() >= nextCropSweep {
                await job("retention") { try await self.sweep(now: Date()) }
                nextCropSweep = Date().addingTimeInterval(retention.sweepIntervalSeconds)
            }
            await job("live-state") { try await self.sweepLiveState(now: Date()) }
            let wait = min(liveStateInterval, max(0, nextCropSweep.timeIntervalSinceNow))
            try? await gracefulShutdownSleep(seconds: max(1, wait))
        }
    }

    /// Runs one sweep in one aggregator at a time (the others skip this round), counting failures.
    private func job(_ name: String, _ body: @escaping @Sendable () async throws -> Int) async {
        do {
            let removed = try await store.exclusively(name, body)
            if let removed, removed > 0 { logger.info("\(name) removed \(removed)") }
            if removed == nil { metrics.increment("rollcall_cloud_retention_skipped_total", labels: ["job": name]) }
        } catch {
            metrics.increment("rollcall_cloud_retention_errors_total", labels: ["job": name])
            logger.error("\(name) sweep failed: \(error)")
        }
    }

    /// Forgets idle tracks, old live events and old notification deliveries; returns how many rows went.
    @discardableResult
    public func sweepLiveState(now: Date) async throws(CloudError) -> Int {
        let idle = TrackStep(emotionSmoothing: 1, emotionUncertainBelow: 0).idleTimeout
        let tracks = try await store.expireTracks(updatedBefore: now.addingTimeInterval(-idle),
                                                  keepingAtMost: Self.maxTracks)
        let events = try await store.expireLiveEvents(before: now.addingTimeInterval(-retention.liveEventHours * 3600),
                                                      keepingAtMost: Self.maxLiveEvents)
        let deliveries = try await store.expireNotificationDeliveries(
            before: now.addingTimeInterval(-retention.notificationDays * 86400),
            keepingAtMost: Self.maxNotificationDeliveries)
        metrics.increment("rollcall_cloud_tracks_expired_total", by: Double(tracks))
        metrics.increment("rollcall_cloud_live_events_expired_total", by: Double(events))
        metrics.increment("rollcall_cloud_notification_log_expired_total", by: Double(deliveries))
        return tracks + events + deliveries
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
