// "Not this worker": an admin marks a detection's name wrong. Its face becomes a negative example of the
// worker in the gallery (published, so edge-matching agents decide the same way), the detection and its track
// are decided again, and the correction is audited and can be undone.
import FaceRecognition
import Foundation
import RollcallCore

/// What a correction (or its undoing) changed.
public struct CorrectionOutcome: Sendable, Codable, Equatable {
    public var correctionID: Int64
    public var workerID: Int64
    public var detectionID: Int64
    /// The detection's identity after the correction (nil: unknown).
    public var detectionWorkerID: Int64?
    /// The track's identity after the correction.
    public var trackWorkerID: Int64?
    public var galleryVersion: Int
    public var undone: Bool
}

extension Aggregator {
    /// Marks `detectionID` as not `workerID`. The caller names the site and the worker it saw, so a detection of
    /// another site, or one re-decided since, is refused (`badRequest`, `conflict`) rather than corrected blindly.
    public func markNotThisWorker(detectionID: Int64, workerID: WorkerID, siteID: String,
                                  actor: String) async throws(CloudError) -> CorrectionOutcome {
        guard let detection = try await store.detection(id: detectionID) else {
            throw CloudError(.notFound, "no such detection", subject: "detection:\(detectionID)")
        }
        guard detection.siteID == siteID else {
            throw CloudError(.badRequest, "detection \(detectionID) was seen at site \(detection.siteID), not \(siteID)",
                             subject: "detection:\(detectionID)")
        }
        guard detection.workerID == workerID else {
            let now = detection.workerID.map { "worker \($0)" } ?? "unknown"
            throw CloudError(.conflict, "detection \(detectionID) is attributed to \(now), not worker \(workerID)",
                             subject: "detection:\(detectionID)")
        }
        guard let embedding = try await store.detectionEmbedding(id: detectionID) else {
            throw CloudError(.badRequest, "no face embedding was kept for detection \(detectionID)", subject: "detection:\(detectionID)")
        }
        let negative = try await store.addNegative(WorkerNegative(workerID: workerID, detectionID: detectionID,
                                                                  embedding: embedding, actor: actor))
        let version = try await publishGallery(reason: "detection:\(detectionID) is not worker:\(workerID)", actor: actor)
        let (detectionWorker, trackWorker, redecision) = try await redecide(detection, marked: embedding)
        let outcome = CorrectionOutcome(correctionID: negative.id ?? 0, workerID: workerID, detectionID: detectionID,
                                        detectionWorkerID: detectionWorker, trackWorkerID: trackWorker,
                                        galleryVersion: version.version, undone: false)
        try await store.storeRedecision(redecision, event: LiveEvent(name: "correction", encoding: outcome))
        liveEvents.poke()
        metrics.increment("rollcall_cloud_corrections_total", labels: ["action": "mark"])
        return outcome
    }

    /// Undoes a correction: the negative no longer counts, the gallery is published again and the detection's
    /// track is decided again.
    public func undoNotThisWorker(correctionID: Int64, actor: String) async throws(CloudError) -> CorrectionOutcome {
        let negative = try await store.undoNegative(id: correctionID, actor: actor, at: Date())
        let version = try await publishGallery(reason: "correction:\(correctionID) undone", actor: actor)
        var detectionWorker: Int64?, trackWorker: Int64?, redecision: CorrectionRedecision?
        if let detection = try await store.detection(id: negative.detectionID) {
            (detectionWorker, trackWorker, redecision) = try await redecide(detection, marked: nil)
        }
        let outcome = CorrectionOutcome(correctionID: correctionID, workerID: negative.workerID,
                                        detectionID: negative.detectionID, detectionWorkerID: detectionWorker,
                                        trackWorkerID: trackWorker, galleryVersion: version.version, undone: true)
        try await store.storeRedecision(redecision, event: LiveEvent(name: "correction", encoding: outcome))
        liveEvents.poke()
        metrics.increment("rollcall_cloud_corrections_total", labels: ["action": "undo"])
        return outcome
    }

    /// Decides a detection's track again with the current gallery (its faces' quality-weighted mean), and the
    /// marked detection on its own face; returns both identities and the revisions to store (with the
    /// correction's live event, in one transaction: `CorrectionStore.storeRedecision`).
    private func redecide(_ detection: Detection,
                          marked: [Float]?) async throws(CloudError) -> (Int64?, Int64?, CorrectionRedecision) {
        guard let gallery else { throw CloudError(.unavailable, "no gallery loaded yet", subject: "gallery") }
        let faces = try await store.trackFaces(siteID: detection.siteID, agentID: detection.agentID, trackID: detection.trackID)
        var trackWorker = detection.workerID
        var redecision = CorrectionRedecision(siteID: detection.siteID, agentID: detection.agentID,
                                              trackID: detection.trackID)
        if let fused = GalleryWorker.mean(faces.map(\.embedding), weights: faces.map(\.quality)) {
            let decision = try Self.decide(fused, in: gallery)
            trackWorker = decision.workerID
            redecision.track = TrackRevision(workerID: decision.workerID, distance: decision.distance.map(Double.init))
        }
        var detectionWorker = trackWorker
        if let marked, let id = detection.id {
            let own = try Self.decide(marked, in: gallery)
            if own.workerID != trackWorker {
                redecision.detectionID = id
                redecision.detection = TrackRevision(workerID: own.workerID, distance: own.distance.map(Double.init))
            }
            detectionWorker = own.workerID
        }
        // The track's shared state (`TrackState`) keeps its samples: its next crop is decided again with the
        // new gallery version, as every crop is.
        return (detectionWorker, trackWorker, redecision)
    }
}
