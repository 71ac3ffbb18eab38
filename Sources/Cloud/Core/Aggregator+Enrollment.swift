// Enrollment, deletion and gallery versions: every change of the enrolled workers becomes a signed,
// published gallery version.
import Foundation

extension Aggregator {
    /// Creates a worker (no photos yet; they do not enter the gallery until enrolled).
    public func createWorker(name: String, actor: String) async throws(CloudError) -> Worker {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1 ... 200).contains(trimmed.count) else {
            throw CloudError(.badRequest, "a worker name is 1-200 characters", subject: "name")
        }
        // Control characters (newlines, escapes, bidi overrides' C0/C1 cousins) forge lines in logs and exports.
        if let bad = trimmed.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw CloudError(.badRequest, String(format: "a worker name may not contain control characters (U+%04X)",
                                                 bad.value), subject: "name")
        }
        return try await store.createWorker(name: trimmed, actor: actor)
    }

    /// Checks a photo (exactly one face, large and sharp enough), stores it with its embedding, and publishes
    /// a new gallery version.
    public func enroll(workerID: Int64, photo bytes: [UInt8], actor: String) async throws(CloudError)
        -> (EnrollmentPhoto, GalleryVersion) {
        let photo = try await addPhoto(workerID: workerID, bytes: bytes, checkSize: true, actor: actor)
        let version = try await publishGallery(reason: "worker:\(workerID) enrolled", actor: actor)
        return (photo, version)
    }

    /// Checks and stores one photo without publishing.
    func addPhoto(workerID: Int64, bytes: [UInt8], checkSize: Bool,
                  actor: String) async throws(CloudError) -> EnrollmentPhoto {
        guard try await store.worker(id: workerID) != nil else {
            throw CloudError(.notFound, "no such worker", subject: "worker:\(workerID)")
        }
        let image = try EncodedImage(bytes: bytes)
        let faces = try await recognizer.analyze(image, emotion: false)
        let face = try checkEnrollment(faces, checkSize: checkSize)
        let file = try await photos.save(bytes, extension: image.format.fileExtension, at: Date())
        do {
            return try await store.addPhoto(EnrollmentPhoto(workerID: workerID, file: file, embedding: face.embedding,
                                                            quality: Double(face.quality.overall)), actor: actor)
        } catch {
            await photos.remove([file])
            throw error
        }
    }

    /// The one acceptable face of an enrollment photo, or the reason it is refused (FaceRecognition's
    /// `EnrollmentPhotoCheck` with the configured limits; every refusal counted by reason).
    func checkEnrollment(_ faces: [AnalyzedFace], checkSize: Bool) throws(CloudError) -> AnalyzedFace {
        let check = config.recognition.enrollmentPhotoCheck
        do {
            let index = try check.accept(faces.map { .init(box: $0.box, quality: $0.quality) }, checkSize: checkSize)
            return faces[index]
        } catch {
            let reason = switch error.code {
            case .noFace: "no_face"
            case .multipleFaces: "several_faces"
            case .faceTooSmall: "too_small"
            case .blurred: "blurred"
            case .notFrontal: "not_frontal"
            default: "unusable"
            }
            metrics.increment("rollcall_cloud_photos_refused_total", labels: ["reason": reason])
            throw CloudError(.photoRefused, error.detail)
        }
    }

    /// Deletes a worker: rows (photos, embeddings, detections), files (photos, crops), then publishes a gallery
    /// without them. The audit log records who did it; agents' acknowledgements of the new version follow.
    public func deleteWorker(id: Int64, actor: String) async throws(CloudError) -> GalleryVersion {
        let files = try await store.deleteWorker(id: id, actor: actor)
        await photos.remove(files.photoFiles)
        await crops.remove(files.cropFiles)
        return try await publishGallery(reason: "worker:\(id) deleted", actor: actor)
    }

    /// Assigns an unknown track to a worker: its crops with one clear face become enrollment photos, its
    /// detections are attributed to the worker, and a new gallery version is published. A track is named by its
    /// site, agent and track id; without `siteID` the agent's track must exist at one site only.
    public func assignTrack(siteID: String? = nil, agentID: String, trackID: String, workerID: Int64,
                            actor: String) async throws(CloudError) -> (photos: Int, version: GalleryVersion) {
        guard try await store.worker(id: workerID) != nil else {
            throw CloudError(.notFound, "no such worker", subject: "worker:\(workerID)")
        }
        let page = try await store.detections(DetectionFilter(siteID: siteID, agentID: agentID, trackID: trackID),
                                              limit: 64, cursor: nil)
        guard let first = page.items.first else {
            throw CloudError(.notFound, "no such track", subject: "track \(agentID)/\(trackID)")
        }
        let siteID = first.siteID
        guard page.items.allSatisfy({ $0.siteID == siteID }) else {
            throw CloudError(.badRequest, "agent \(agentID) has a track \(trackID) at several sites; name the site",
                             subject: "track \(agentID)/\(trackID)")
        }
        var added = 0
        var lastRefusal: CloudError?
        for detection in page.items {
            guard let file = detection.cropFile, let data = try? await crops.read(file) else { continue }
            do {
                _ = try await addPhoto(workerID: workerID, bytes: [UInt8](data), checkSize: false, actor: actor)
                added += 1
            } catch {
                lastRefusal = error
            }
        }
        guard added > 0 else {
            let why = page.items.allSatisfy(\.privacy) ? "the agent ran in privacy mode and sent no crop to enroll"
                : "the track has no crop left to enroll"
            throw lastRefusal ?? CloudError(.photoRefused, why, subject: "track \(agentID)/\(trackID)")
        }
        try await store.reviseTrack(siteID: siteID, agentID: agentID, trackID: trackID, workerID: workerID,
                                    distance: nil)
        try await store.audit(AuditEntry(actor: actor, action: "track.assign", subject: "worker:\(workerID)",
                                         detail: AuditDetail.json(["site": siteID, "agent": agentID, "track": trackID,
                                                                   "photos": "\(added)"])))
        let version = try await publishGallery(reason: "track \(agentID)/\(trackID) assigned to worker:\(workerID)",
                                               actor: actor)
        return (added, version)
    }

    /// Stores a new signed gallery version of the enrolled workers (each site's message holding that site's
    /// workers) and hands it to the durable publisher, which publishes it (retained) to every site. Built from
    /// the rows read after the newest version was seen, and stored only if no process stored a version
    /// meanwhile (otherwise read and built again), so concurrent enrollments in several processes give
    /// consecutive versions and the later one holds both.
    @discardableResult
    public func publishGallery(reason: String, actor: String) async throws(CloudError) -> GalleryVersion {
        let signer = self.signer
        var stored: GalleryVersion?
        for _ in 0 ..< 20 {
            let seen = try await store.latestGalleryVersion()?.version ?? 0
            let gallery = try makeGallery(try await store.enrollmentEmbeddings(),
                                          negatives: try await store.activeNegativeEmbeddings())
            // The version's own message holds the workers of every site only; each site's message adds its own.
            let scopes = try await siteScopes(of: gallery)
            stored = try await store.addGalleryVersion(after: seen, reason: reason, actor: actor) { number in
                GalleryBuild(workerCount: gallery.workers.count,
                             snapshot: try signer.galleryMessage(version: number, gallery: gallery.restricted(to: scopes.everySite)),
                             siteMessages: try Self.siteGalleryMessages(version: number, gallery: gallery,
                                                                        scopes: scopes, signer: signer))
            }
            if stored != nil { break }
            metrics.increment("rollcall_cloud_gallery_version_conflicts_total")
        }
        guard let version = stored else {
            throw CloudError(.storage, "other processes stored a gallery version on every try", subject: "gallery")
        }
        try await reloadGalleryFromStore()   // decide with the new version from now on
        try await store.audit(AuditEntry(actor: actor, action: "gallery.publish", subject: "gallery:\(version.version)",
                                         detail: AuditDetail.json(["reason": reason,
                                                                   "workers": "\(version.workerCount)"])))
        // Published by the durable publisher in the background: neither this request nor a shutdown waits for
        // the broker.
        galleryPublisher.versionStored()
        liveEvents.poke()
        metrics.set("rollcall_cloud_gallery_version", to: Double(version.version))
        return version
    }
}
