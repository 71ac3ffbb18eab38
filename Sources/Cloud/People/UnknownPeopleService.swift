// Runs the clustering of unknown faces in the background, in one aggregator at a time.
import Foundation
import FaceRecognition
import Logging
import ServiceLifecycle

/// Clusters pending unknown faces every `interval` seconds (sooner while a round finds a full batch).
public struct UnknownPeopleService: Service {
    let clustering: UnknownPeopleClustering
    let store: any Store
    let interval: Double
    let metrics: CloudMetrics
    let logger: Logger

    public init(clustering: UnknownPeopleClustering, store: any Store, interval: Double = 2, metrics: CloudMetrics,
                logger: Logger) {
        self.clustering = clustering
        self.store = store
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            var placed = 0
            do {
                placed = try await store.exclusively("unknown-people") { try await clustering.runOnce() } ?? 0
            } catch {
                metrics.increment("rollcall_cloud_clustering_errors_total")
                logger.error("clustering round failed: \(error)")
            }
            if placed < clustering.batchSize { try? await gracefulShutdownSleep(seconds: interval) }
        }
    }
}

extension CloudApp {
    /// The clustering service under the backbone's calibrated clustering policy.
    static func unknownPeopleService(_ aggregator: Aggregator, logger: Logger) throws(CloudError) -> UnknownPeopleService {
        let backbone = Backbone.allCases.first { $0.modelID == aggregator.recognizer.modelID } ?? .dlib
        let clustering = try UnknownPeopleClustering(store: aggregator.store, policy: .defaults(for: backbone),
                                                     metrics: aggregator.metrics, logger: logger)
        return UnknownPeopleService(clustering: clustering, store: aggregator.store, metrics: aggregator.metrics, logger: logger)
    }
}
