// GET /api/v1/sightings: faces agents followed but could not send (too small or too poor), counted per camera.
import Foundation
import Hummingbird

/// The answer of `GET /api/v1/sightings`.
struct SightingsView: ResponseEncodable {
    /// Sightings last seen at or after this time are counted.
    var since: Date
    var cameras: [CameraSightings]
}

extension APIController {
    /// `?hours=N` (1…720, default 24): sightings of the last N hours per site, agent, camera and reason.
    @Sendable func listSightings(_ request: Request, context: CloudRequestContext) async throws -> SightingsView {
        let hours = try Self.int(request.uri.queryParameters.get("hours"), name: "hours", default: 24, in: 1 ... 720)
        let since = Date().addingTimeInterval(-Double(hours) * 3600)
        return SightingsView(since: since, cameras: try await store.sightingsPerCamera(since: since))
    }
}
