// The JSON API under /api/v1: workers and photos, detections, unknown tracks, agents, sites, gallery
// versions, recognition and the audit log.
import Foundation
import Hummingbird

/// Registers the `/api/v1` routes.
struct APIController {
    let aggregator: Aggregator
    let config: CloudConfig

    var store: any Store { aggregator.store }

    func register(on group: RouterGroup<CloudRequestContext>) {
        group.get("workers", use: listWorkers)
        group.post("workers", use: createWorker)
        group.get("workers/:id", use: getWorker)
        group.delete("workers/:id", use: deleteWorker)
        group.post("workers/:id/photos", use: uploadPhoto)
        group.get("photos/:id", use: getPhoto)
        group.get("detections", use: listDetections)
        group.get("detections/:id", use: getDetection)
        group.get("detections/:id/crop", use: getCrop)
        group.get("unknown-tracks", use: listUnknownTracks)
        group.post("unknown-tracks/assign", use: assignTrack)
        group.get("agents", use: listAgents)
        group.get("sightings", use: listSightings)
        group.get("sites", use: listSites)
        group.put("sites/:id", use: putSite)
        group.get("gallery/versions", use: listGalleryVersions)
        group.get("gallery/versions/:version", use: getGalleryVersion)
        group.get("gallery/public-key", use: galleryPublicKey)
        group.post("recognize", use: recognize)
        group.get("audit", use: auditLog)
    }

    /// Reads an image upload body up to the configured limit (413 beyond; 415 for a form or text body).
    func readUpload(_ request: Request) async throws -> [UInt8] {
        try request.refuseFormMediaTypes()
        return try await readBody(request, limit: config.http.maxUploadBytes, what: "upload")
    }

    /// Decodes a JSON request body (application/json only, at most `http.max_json_bytes`).
    func decodeJSON<T: Decodable>(_ type: T.Type, _ request: Request,
                                  _ context: CloudRequestContext) async throws -> T {
        try await request.decodeJSON(as: type, context: context, limit: config.http.maxJSONBytes)
    }

    /// A required integer path parameter.
    func id(_ context: CloudRequestContext, _ name: String = "id") throws(CloudError) -> Int64 {
        guard let text = context.parameters.get(name), let value = Int64(text), value > 0 else {
            throw CloudError(.badRequest, "expected a positive integer", subject: name)
        }
        return value
    }

    /// Returns an encodable value with a status.
    func created<T: ResponseEncodable>(_ value: T) -> EditedResponse<T> {
        EditedResponse(status: .created, response: value)
    }

    /// A binary file response.
    func file(_ data: Data, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The MIME type of stored image files, from the extension.
func mimeType(ofFile file: String) -> String {
    file.hasSuffix(".png") ? "image/png" : "image/jpeg"
}
