// The route handlers of the JSON API.
import Foundation
import Hummingbird

extension APIController {
    // MARK: Workers and photos

    @Sendable func listWorkers(_ request: Request, context: CloudRequestContext) async throws -> [WorkerView] {
        var views: [WorkerView] = []
        for worker in try await store.workers() { views.append(try await view(of: worker)) }
        return views
    }

    @Sendable func createWorker(_ request: Request,
                                context: CloudRequestContext) async throws -> EditedResponse<WorkerView> {
        let body = try await decodeJSON(CreateWorkerRequest.self, request, context)
        let worker = try await aggregator.createWorker(name: body.name, actor: context.actor)
        return created(try await view(of: worker))
    }

    @Sendable func getWorker(_ request: Request, context: CloudRequestContext) async throws -> WorkerView {
        let id = try id(context)
        guard let worker = try await store.worker(id: id) else {
            throw CloudError(.notFound, "no such worker", subject: "worker:\(id)")
        }
        return try await view(of: worker)
    }

    @Sendable func deleteWorker(_ request: Request, context: CloudRequestContext) async throws -> WorkerDeleted {
        let id = try id(context)
        let version = try await aggregator.deleteWorker(id: id, actor: context.actor)
        return WorkerDeleted(deleted: id, galleryVersion: version.version)
    }

    @Sendable func uploadPhoto(_ request: Request,
                               context: CloudRequestContext) async throws -> EditedResponse<PhotoUploaded> {
        let id = try id(context)
        guard try await store.worker(id: id) != nil else {
            throw CloudError(.notFound, "no such worker", subject: "worker:\(id)")
        }
        let bytes = try await readUpload(request)
        let (photo, version) = try await aggregator.enroll(workerID: id, photo: bytes, actor: context.actor)
        return created(PhotoUploaded(photo: photoView(photo), galleryVersion: version.version))
    }

    @Sendable func getPhoto(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try id(context)
        guard let photo = try await store.photo(id: id) else {
            throw CloudError(.notFound, "no such photo", subject: "photo:\(id)")
        }
        return file(try await aggregator.photos.read(photo.file), type: mimeType(ofFile: photo.file))
    }

    func view(of worker: Worker) async throws(CloudError) -> WorkerView {
        let id = worker.id ?? 0
        return WorkerView(id: id, name: worker.name, createdAt: worker.createdAt,
                          photos: try await store.photos(workerID: id).map(photoView))
    }

    func photoView(_ photo: EnrollmentPhoto) -> WorkerView.Photo {
        WorkerView.Photo(id: photo.id ?? 0, createdAt: photo.createdAt, quality: photo.quality,
                         url: "/api/v1/photos/\(photo.id ?? 0)")
    }

    // MARK: Detections and unknown tracks

    @Sendable func listDetections(_ request: Request, context: CloudRequestContext) async throws -> Page<Detection> {
        let query = request.uri.queryParameters
        var filter = DetectionFilter()
        filter.siteID = query.get("site")
        filter.camera = query.get("camera")
        filter.agentID = query.get("agent")
        filter.trackID = query.get("track")
        if let text = query.get("worker") {
            guard let worker = Int64(text), worker > 0 else {
                throw CloudError(.badRequest, "expected a positive integer", subject: "worker")
            }
            filter.workerID = worker
        }
        if let text = query.get("unknown") {
            guard let unknown = Bool(text) else {
                throw CloudError(.badRequest, "expected true or false", subject: "unknown")
            }
            filter.unknown = unknown
        }
        filter.from = try Self.date(query.get("from"), name: "from")
        filter.until = try Self.date(query.get("to"), name: "to")
        let limit = try Self.int(query.get("limit"), name: "limit", default: config.http.defaultPageSize,
                                 in: 1 ... config.http.maxPageSize)
        return try await store.detections(filter, limit: limit, cursor: try Self.cursor(query.get("cursor")))
    }

    @Sendable func getDetection(_ request: Request, context: CloudRequestContext) async throws -> Detection {
        let id = try id(context)
        guard let detection = try await store.detection(id: id) else {
            throw CloudError(.notFound, "no such detection", subject: "detection:\(id)")
        }
        return detection
    }

    @Sendable func getCrop(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try id(context)
        let detection = try await store.detection(id: id)
        guard let detection, let crop = detection.cropFile else {
            let why = detection?.privacy == true ? "privacy mode: the agent sent only an embedding, never a crop"
                : "unknown detection or removed by retention"
            throw CloudError(.notFound, "no crop (\(why))", subject: "detection:\(id)")
        }
        return file(try await aggregator.crops.read(crop), type: mimeType(ofFile: crop))
    }

    @Sendable func listUnknownTracks(_ request: Request,
                                     context: CloudRequestContext) async throws -> [UnknownTrack] {
        let limit = try Self.int(request.uri.queryParameters.get("limit"), name: "limit",
                                 default: config.http.defaultPageSize, in: 1 ... config.http.maxPageSize)
        return try await store.unknownTracks(limit: limit)
    }

    @Sendable func assignTrack(_ request: Request, context: CloudRequestContext) async throws -> TrackAssigned {
        let body = try await decodeJSON(AssignTrackRequest.self, request, context)
        let (photos, version) = try await aggregator.assignTrack(agentID: body.agentID, trackID: body.trackID,
                                                                 workerID: body.workerID, actor: context.actor)
        return TrackAssigned(photos: photos, galleryVersion: version.version)
    }

    // MARK: Fleet

    @Sendable func listAgents(_ request: Request, context: CloudRequestContext) async throws -> [AgentRecord] {
        try await store.agents()
    }

    @Sendable func listSites(_ request: Request, context: CloudRequestContext) async throws -> [Site] {
        try await store.sites()
    }

    @Sendable func putSite(_ request: Request, context: CloudRequestContext) async throws -> Site {
        guard let id = context.parameters.get("id"),
              id.range(of: "^[A-Za-z0-9_-]{1,64}$", options: .regularExpression) != nil else {
            throw CloudError(.badRequest, "a site id is 1-64 letters, digits, '-' or '_'", subject: "id")
        }
        let body = try await decodeJSON(PutSiteRequest.self, request, context)
        let existing = try await store.site(id: id)
        let site = Site(id: id, name: body.name ?? existing?.name ?? id, emotionEnabled: body.emotionEnabled,
                        createdAt: existing?.createdAt ?? Date())
        try await store.upsertSite(site)
        try await store.audit(AuditEntry(actor: context.actor, action: "site.put", subject: "site:\(id)",
                                         detail: AuditDetail.json(["name": site.name,
                                                                   "emotion": "\(site.emotionEnabled)"])))
        return site
    }

    @Sendable func listGalleryVersions(_ request: Request,
                                       context: CloudRequestContext) async throws -> [GalleryVersionView] {
        let limit = try Self.int(request.uri.queryParameters.get("limit"), name: "limit",
                                 default: config.http.defaultPageSize, in: 1 ... config.http.maxPageSize)
        var views: [GalleryVersionView] = []
        for version in try await store.galleryVersions(limit: limit) { views.append(try await view(of: version)) }
        return views
    }

    @Sendable func getGalleryVersion(_ request: Request,
                                     context: CloudRequestContext) async throws -> GalleryVersionView {
        let number = try id(context, "version")
        guard let version = try await store.galleryVersions(limit: Int.max).first(where: { $0.version == number })
        else { throw CloudError(.notFound, "no such gallery version", subject: "gallery:\(number)") }
        return try await view(of: version)
    }

    func view(of version: GalleryVersion) async throws(CloudError) -> GalleryVersionView {
        GalleryVersionView(version: version.version, createdAt: version.createdAt, workerCount: version.workerCount,
                           reason: version.reason, actor: version.actor,
                           acknowledgedBy: try await store.galleryAcks(version: version.version).map(\.agentID))
    }

    @Sendable func galleryPublicKey(_ request: Request, context: CloudRequestContext) async throws -> PublicKeyView {
        PublicKeyView(algorithm: "ed25519", publicKey: aggregator.signer.publicKey.base64EncodedString())
    }

    // MARK: Recognition and audit

    @Sendable func recognize(_ request: Request, context: CloudRequestContext) async throws -> RecognizeResponse {
        let emotion = request.uri.queryParameters.get("emotion").map { $0 != "false" } ?? true
        let bytes = try await readUpload(request)
        let image = try EncodedImage(bytes: bytes)
        let faces = try await aggregator.recognize(bytes, emotion: emotion)
        return RecognizeResponse(width: image.width, height: image.height, faces: faces)
    }

    @Sendable func auditLog(_ request: Request, context: CloudRequestContext) async throws -> [AuditEntry] {
        try context.require(.admin)
        let limit = try Self.int(request.uri.queryParameters.get("limit"), name: "limit",
                                 default: config.http.defaultPageSize, in: 1 ... config.http.maxPageSize)
        return try await store.auditLog(limit: limit)
    }

    // MARK: Query parsing

    static func int(_ text: String?, name: String, default fallback: Int,
                    in bounds: ClosedRange<Int>) throws(CloudError) -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), bounds.contains(value) else {
            throw CloudError(.badRequest, "expected an integer in \(bounds.lowerBound)…\(bounds.upperBound)",
                             subject: name)
        }
        return value
    }

    /// The `cursor` of a paged list: nil, or the positive `nextCursor` of a previous page.
    static func cursor(_ text: String?) throws(CloudError) -> Int64? {
        guard let text else { return nil }
        guard let cursor = Int64(text), cursor > 0 else {
            throw CloudError(.badRequest, "expected a cursor from a previous page", subject: "cursor")
        }
        return cursor
    }

    static func date(_ text: String?, name: String) throws(CloudError) -> Date? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        throw CloudError(.badRequest, "expected an ISO-8601 time such as 2026-11-29T08:00:00Z", subject: name)
    }
}
