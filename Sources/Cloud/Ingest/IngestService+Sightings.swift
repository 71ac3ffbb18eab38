// Image-free sightings from agents (`cameras/{camera}/sightings`): validated, then stored once each.
import Foundation
import MQTT
import Wire

extension IngestService {
    /// One sighting message: size, topic, decoding (the topic's camera must be the message's), then the store.
    /// Refusals are counted; a sighting the store cannot take now is dropped here (`consume` tries it again).
    public func handleSighting(topic: String, payload: Data) async {
        do {
            try await handleSightingOnce(topic: topic, payload: payload)
        } catch {
            logger.warning("sighting not stored: \(error)")
        }
    }

    /// `handleSighting` that throws what must be tried again (storage and disk failures); refusals return.
    func handleSightingOnce(topic: String, payload: Data) async throws(CloudError) {
        metrics.increment("rollcall_cloud_messages_received_total", labels: ["kind": "sighting"])
        guard payload.count <= config.mqtt.maxMessageBytes else {
            refuseSighting("oversized", "\(payload.count) bytes on \(topic.prefix(200))")
            return
        }
        let site: String, agent: String, sighting: FaceSighting
        do {
            guard case let .sightings(s, a, camera) = try Topic(parsing: topic) else {
                refuseSighting("malformed_sighting", "not a sightings topic: \(topic.prefix(200))")
                return
            }
            sighting = try FaceSighting(decoding: payload)
            guard sighting.camera == camera else {
                refuseSighting("malformed_sighting", "camera \(sighting.camera) on the topic of camera \(camera)")
                return
            }
            (site, agent) = (s, a)
        } catch {
            refuseSighting("malformed_sighting", "\(error)")
            return
        }
        do {
            try await aggregator.recordSighting(siteID: site, agentID: agent, sighting)
        } catch where error.isTransient {
            throw error
        } catch {
            refuseSighting("refused_sighting", "\(error)")
        }
    }

    func handleSighting(_ message: MQTTMessage) async throws(CloudError) {
        try await handleSightingOnce(topic: message.topic, payload: message.payload)
    }

    private func refuseSighting(_ reason: String, _ detail: String) {
        metrics.increment("rollcall_cloud_messages_refused_total", labels: ["reason": reason])
        logger.debug("sighting refused (\(reason)): \(detail)")
    }
}
