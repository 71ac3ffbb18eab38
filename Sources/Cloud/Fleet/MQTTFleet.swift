// The fleet publisher over MQTT: gallery versions retained on each site's gallery topic, results on the
// site's results topic, in Wire's encoding.
import Foundation
import MQTT
import Wire

/// Publishes to the agents through the broker.
public struct MQTTFleet: FleetPublisher {
    let client: MQTTClient

    public init(client: MQTTClient) {
        self.client = client
    }

    public func publishGallery(_ version: GalleryVersion, sites: [String]) async throws(CloudError) {
        for site in sites {
            do {
                try await client.publish(version.snapshot, to: try Topic.gallery(site: site).validated(),
                                         qos: .atLeastOnce, retain: true)
            } catch {
                throw CloudError(.unavailable, "gallery \(version.version) not published: \(error)", subject: "site \(site)")
            }
        }
    }

    public func publishResult(_ result: RecognitionResult) async throws(CloudError) {
        do {
            let message = Self.wireResult(result)
            try await client.publish(try message.encoded(), to: try Topic.results(site: result.siteID).validated(),
                                     qos: .atLeastOnce)
        } catch {
            throw CloudError(.unavailable, "result not published: \(error)", subject: "site \(result.siteID)")
        }
    }

    /// The Wire form of a result. Wire knows the seven classes only: an "uncertain" track is sent without an
    /// emotion.
    public static func wireResult(_ result: RecognitionResult) -> Wire.RecognitionResult {
        let emotion = result.emotion.flatMap { label in
            Wire.RecognitionResult.Emotion.allCases.first { "\($0)" == label }
        }
        return Wire.RecognitionResult(
            cropMessageID: result.cropMessageID ?? UUID(), agent: result.agentID, camera: result.camera,
            trackID: UInt64(result.trackID) ?? 0, frameTime: result.time, decidedAt: Date(),
            workerID: result.workerID, distance: result.distance.map(Float.init),
            emotion: emotion, emotionScore: emotion == nil ? nil : result.emotionScore.map(Float.init),
            galleryVersion: UInt64(max(0, result.galleryVersion)))
    }
}
