// What the cloud sends to the fleet: gallery versions (retained, per site) and recognition results.
import Foundation

/// One recognition decision, as published on a site's results topic and pushed to the live feed.
public struct RecognitionResult: Sendable, Codable, Equatable {
    public var detectionID: Int64
    public var siteID: String
    public var agentID: String
    public var camera: String
    public var trackID: String
    public var time: Date
    public var workerID: Int64?
    /// The worker's name, nil for an unknown face.
    public var workerName: String?
    public var distance: Double?
    /// The track's smoothed emotion (a class name or "uncertain"), nil when none is estimated.
    public var emotion: String?
    /// The smoothed probability of the track's top class.
    public var emotionScore: Double?
    /// Whether this decision changed the track's earlier identity.
    public var revised: Bool
    /// The gallery version matched against (0: none yet).
    public var galleryVersion: Int
    /// The crop message the decision was made on, when it came over MQTT.
    public var cropMessageID: UUID?
    /// The agent sent only an embedding (privacy mode): there is no crop image to show.
    public var privacy: Bool = false
}

/// Sends to the agents. The real one publishes over MQTT; an offline one (no broker configured) counts
/// what it could not send.
public protocol FleetPublisher: Sendable {
    /// Publishes a gallery version, retained, to each site's gallery topic.
    func publishGallery(_ version: GalleryVersion, sites: [String]) async throws(CloudError)
    /// Publishes one recognition result on its site's results topic.
    func publishResult(_ result: RecognitionResult) async throws(CloudError)
}

/// The publisher used when no broker is configured (API and dashboard only): nothing leaves the process,
/// and every skipped publication is counted in `rollcall_cloud_fleet_unpublished_total`.
public struct OfflineFleet: FleetPublisher {
    let metrics: CloudMetrics

    public init(metrics: CloudMetrics) {
        self.metrics = metrics
    }

    public func publishGallery(_ version: GalleryVersion, sites: [String]) async throws(CloudError) {
        metrics.increment("rollcall_cloud_fleet_unpublished_total", labels: ["kind": "gallery"],
                          by: Double(sites.count))
    }

    public func publishResult(_ result: RecognitionResult) async throws(CloudError) {
        metrics.increment("rollcall_cloud_fleet_unpublished_total", labels: ["kind": "result"])
    }
}
