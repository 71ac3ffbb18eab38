// Image-free sightings from agents (`cameras/{camera}/sightings`): validated, then stored once each.
import Foundation
import MQTT
import Wire

extension IngestService {
    /// One sighting message: size, topic, decoding (the topic's camera must be the message's), then the store.
    public func handleSighting(topic: String, payload: Data) async {
        metrics.increment("rollcall_cloud_messages_received_total", labels: ["kind": "sighting"])
        guard payload.count <= config.mqtt.maxMessageBytes else {
            refuseSighting("oversized", "\(payload.count) bytes on \(topic.prefix(200))")
            return
        }
        do {
            guard case let .sightings(site, agent, camera) = try Topic(parsing: topic) else {
                refuseSighting("malformed_sighting", "not a sightings topic: \(topic.prefix(200))")
                return
            }
            let sighting = try FaceSighting(decoding: payload)
            guard sighting.camera == camera else {
                refuseSighting("malformed_sighting", "camera \(sighting.camera) on the topic of camera \(camera)")
                return
            }
            try await aggregator.recordSighting(siteID: site, agentID: agent, sighting)
        } catch let error as CloudError {
            logger.warning("sighting not stored: \(error)")
            metrics.increment("rollcall_cloud_messages_refused_total", labels: ["reason": "storage"])
        } catch {
            refuseSighting("malformed_sighting", "\(error)")
        }
    }

    private func refuseSighting(_ reason: String, _ detail: String) {
        metrics.increment("rollcall_cloud_messages_refused_total", labels: ["reason": reason])
        logger.debug("sighting refused (\(reason)): \(detail)")
    }
}
