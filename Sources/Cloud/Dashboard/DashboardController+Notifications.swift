// The dashboard's Notifications page: every notification sent, per channel (MQTT topic or webhook), newest
// first, with how its delivery ended, the attempts it took and the last failure seen.
import Foundation
import Hummingbird

extension DashboardController {
    /// Deliveries per page.
    static let notificationPageSize = 50

    @Sendable func notifications(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let cursor = try APIController.cursor(request.uri.queryParameters.get("cursor"))
        let page = try await store.notificationDeliveries(limit: Self.notificationPageSize, cursor: cursor)
        var body = "<p>Every notification sent on the MQTT topic and to each webhook, with how its delivery ended"
            + (cursor == nil ? "" : " (older page)") + ". Which events are sent is set in cloud.yaml "
            + "(<code>notifications:</code>, <code>webhooks:</code>).</p>"
        body += "<table id=\"notifications\"><thead><tr><th>Sent</th><th>Event</th><th>Site</th><th>Message</th>"
            + "<th>Channel</th><th>To</th><th>Outcome</th><th>Attempts</th><th>Last error</th></tr></thead><tbody>"
        for d in page.items {
            let status = d.httpStatus.map { " (HTTP \($0))" } ?? ""
            body += "<tr class=\"notification\" data-id=\"\(d.id ?? 0)\" data-outcome=\"\(d.outcome.rawValue)\">"
                + "<td>\(Self.time(d.finishedAt))</td><td class=\"kind\">\(HTML.escape(d.kind.rawValue))</td>"
                + "<td>\(HTML.escape(d.siteID ?? "–"))</td><td class=\"message\">\(HTML.escape(d.message))</td>"
                + "<td class=\"channel\">\(d.channel.rawValue)</td><td class=\"target\">\(HTML.escape(d.target))</td>"
                + "<td class=\"outcome \(d.outcome.rawValue)\">\(d.outcome.rawValue)\(status)</td>"
                + "<td class=\"attempts\">\(d.attempts)</td><td class=\"last-error\">\(HTML.escape(d.lastError ?? "–"))</td></tr>"
        }
        if page.items.isEmpty {
            body += "<tr><td colspan=\"9\" id=\"no-notifications\">No notification has been sent.</td></tr>"
        }
        body += "</tbody></table>"
        if let next = page.nextCursor {
            body += "<p><a id=\"older\" href=\"/dashboard/notifications?cursor=\(next)\">Older notifications →</a></p>"
        }
        return html(HTML.page(title: "Notifications", active: "notifications", session: context.session, body: body))
    }
}
