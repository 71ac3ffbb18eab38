// The dashboard's Sightings page: per camera, how many faces were followed in the last 24 hours without any
// being sent (too small to recognise, or too poor) — people were there even when nobody could be named.
import Foundation
import Hummingbird

extension DashboardController {
    @Sendable func sightings(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let since = Date().addingTimeInterval(-24 * 3600)
        let rows = try await store.sightingsPerCamera(since: since)
        var body = "<p>Faces agents followed in the last 24 hours but could not send — too small to recognise, or "
        body += "never sharp or frontal enough. No image of them exists; each is one track.</p>"
        body += "<table id=\"sightings\"><thead><tr><th>Site / camera</th><th>Agent</th><th>Why not sent</th>"
        body += "<th>Faces seen</th><th>Largest face</th><th>Last seen</th></tr></thead><tbody>"
        for row in rows {
            let why = row.reason == "too_small" ? "too small" : "too poor"
            body += "<tr class=\"sighting\"><td>\(HTML.escape(row.siteID)) / \(HTML.escape(row.camera))</td>"
            body += "<td>\(HTML.escape(row.agentID))</td><td class=\"reason\">\(why)</td>"
            body += "<td class=\"count\">\(row.count)</td><td>\(Int(row.largestFacePixels.rounded())) px</td>"
            body += "<td>\(Self.time(row.lastSeen))</td></tr>"
        }
        if rows.isEmpty { body += "<tr><td colspan=\"6\" id=\"no-sightings\">None in the last 24 hours.</td></tr>" }
        body += "</tbody></table>"
        return html(HTML.page(title: "Faces seen, not sent", active: "sightings", session: context.session, body: body,
                              reloadAfter: 10_000))
    }
}
