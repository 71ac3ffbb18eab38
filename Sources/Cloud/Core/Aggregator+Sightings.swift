// Faces seen but not sent: agents report tracks that never passed their crop gate (too small to recognise, or
// too poor) without any image; the cloud stores and counts them per camera, so the dashboard shows that people
// were there even when nobody could be named.
import Foundation
import Wire

extension Aggregator {
    /// Stores one sighting (a redelivered message is stored once) with its live-feed event in one transaction
    /// (every process's feed shows it), and counts it by reason. Returns whether it was new.
    @discardableResult
    public func recordSighting(siteID: String, agentID: String, _ sighting: FaceSighting) async throws(CloudError) -> Bool {
        let reason = sighting.reason == .tooSmall ? "too_small" : "low_quality"
        let record = FaceSightingRecord(messageID: sighting.messageID.uuidString, siteID: siteID, agentID: agentID,
                                        camera: sighting.camera, trackID: String(sighting.trackID),
                                        firstSeen: sighting.firstSeen, lastSeen: sighting.lastSeen,
                                        detections: Int(sighting.detections),
                                        largestFacePixels: Double(sighting.largestFacePixels), reason: reason)
        guard try await store.insertSighting(record, event: LiveEvent(name: "sighting", encoding: record)) else {
            metrics.increment("rollcall_cloud_messages_duplicate_total")
            return false
        }
        metrics.increment("rollcall_cloud_sightings_total", labels: ["reason": reason])
        liveEvents.poke()
        return true
    }
}
