// Actions on recurring unknown people: enroll as a new worker (their best crops, quality-gated, become the
// enrollment photos), merge two, split one, dismiss or restore. Nothing here picks a worker for the admin.
import FaceRecognition
import Foundation

/// A recurring unknown person enrolled as a worker.
public struct PersonEnrolled: Sendable, Codable, Equatable {
    public var personID: Int64
    public var workerID: Int64
    public var photos: Int
    public var galleryVersion: Int
}

extension Aggregator {
    /// The person, or `notFound`.
    func existingPerson(_ id: Int64) async throws(CloudError) -> UnknownPerson {
        guard let person = try await store.unknownPerson(id: id) else {
            throw CloudError(.notFound, "no such unknown person", subject: "person:\(id)")
        }
        return person
    }

    /// Enrolls a recurring unknown person as a new worker named `name`: their best crops (quality ≥ the gate,
    /// one per track) that pass the enrollment photo check become the worker's photos, their sightings are
    /// attributed to the worker, and a gallery is published. Refused for a person without sightings or crops
    /// (an empty cluster), one enrolled already, or when no crop passes (the new worker is then removed again).
    public func enrollUnknownPerson(id: Int64, name: String, actor: String) async throws(CloudError) -> PersonEnrolled {
        let person = try await existingPerson(id)
        guard person.status != .enrolled else {
            throw CloudError(.badRequest, "person \(id) was enrolled as worker \(person.workerID ?? 0) already", subject: "person:\(id)")
        }
        let sightings = try await store.unknownSightings(personID: id)
        guard !sightings.isEmpty else {
            throw CloudError(.badRequest, "person \(id) has no sightings: there is nobody to enroll", subject: "person:\(id)")
        }
        let candidates = try await store.unknownCropCandidates(personID: id)
        let chosen = BestCrops.enrollment.choose(from: candidates)
        guard !chosen.isEmpty else {
            throw CloudError(.photoRefused, "none of person \(id)'s \(candidates.count) crops reaches quality "
                             + "\(BestCrops.enrollment.minimumQuality)", subject: "person:\(id)")
        }
        let worker = try await createWorker(name: name, actor: actor)
        guard let workerID = worker.id else { throw CloudError(.storage, "the new worker has no id", subject: "person:\(id)") }
        var added = 0
        var lastRefusal: CloudError?
        for crop in chosen {
            do {
                let bytes = try await crops.read(crop.cropFile)
                _ = try await addPhoto(workerID: workerID, bytes: [UInt8](bytes), checkSize: false, actor: actor)
                added += 1
            } catch {
                lastRefusal = error
            }
        }
        guard added > 0 else {
            _ = try? await store.deleteWorker(id: workerID, actor: actor)
            throw lastRefusal ?? CloudError(.photoRefused, "no crop of person \(id) passed the enrollment check", subject: "person:\(id)")
        }
        for s in sightings {
            try await store.reviseTrack(siteID: s.siteID, agentID: s.agentID, trackID: s.trackID, workerID: workerID,
                                        distance: nil)
        }
        try await store.setUnknownPersonStatus(id: id, status: .enrolled, workerID: workerID, actor: actor)
        let version = try await publishGallery(reason: "person:\(id) enrolled as worker:\(workerID)", actor: actor)
        return PersonEnrolled(personID: id, workerID: workerID, photos: added, galleryVersion: version.version)
    }

    /// Merges person `from` into `into` (an admin's decision, whatever their distance).
    public func mergeUnknownPeople(into: Int64, from: Int64, actor: String) async throws(CloudError) -> UnknownPerson {
        try await store.mergeUnknownPeople(into: into, from: from, actor: actor)
        return try await existingPerson(into)
    }

    /// Moves some of a person's tracks to a new person; returns the new person.
    public func splitUnknownPerson(id: Int64, tracks: [TrackRef], actor: String) async throws(CloudError) -> UnknownPerson {
        let newID = try await store.splitUnknownPerson(id: id, tracks: tracks, actor: actor)
        return try await existingPerson(newID)
    }

    /// Dismisses a person (hidden, never notified, still gathering sightings) or restores one.
    public func setUnknownPersonDismissed(id: Int64, _ dismissed: Bool, actor: String) async throws(CloudError) -> UnknownPerson {
        let person = try await existingPerson(id)
        guard person.status != .enrolled else {
            throw CloudError(.badRequest, "person \(id) was enrolled as a worker", subject: "person:\(id)")
        }
        try await store.setUnknownPersonStatus(id: id, status: dismissed ? .dismissed : .active, workerID: nil, actor: actor)
        return try await existingPerson(id)
    }
}
