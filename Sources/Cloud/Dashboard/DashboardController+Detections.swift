// The search of past detections (filters, pages of 50) and the "Not this worker" correction with its undo.
import Foundation
import Hummingbird

extension DashboardController {
    static let searchPageSize = 50

    // MARK: Search

    @Sendable func search(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let filter = try DashboardFilter(query: query)
        let cursor = try query.get("cursor").map { text throws(CloudError) in
            guard let value = Int64(text), value > 0 else { throw CloudError(.badRequest, "bad page cursor", subject: "cursor") }
            return value
        }
        let workers = try await store.workers()
        let names = Dictionary(workers.compactMap { w in w.id.map { ($0, w.name) } }, uniquingKeysWith: { $1 })
        let page = try await store.detections(filter.detectionFilter, limit: Self.searchPageSize, cursor: cursor)
        let back = "/dashboard/search" + (filter.isEmpty ? "" : "?\(filter.query)")
        var body = notices(request, context: context)
        body += filter.form(action: "/dashboard/search", sites: try await store.sites(), workers: workers, id: "search")
        body += "<p id=\"result-count\">\(page.items.count) detection\(page.items.count == 1 ? "" : "s")"
            + (cursor == nil ? "" : " (older page)") + "</p>"
        body += "<table id=\"results\"><thead><tr><th>Time</th><th>Site</th><th>Camera</th><th>Crop</th><th>Who</th>"
            + "<th>Distance</th><th>Emotion</th>\(context.token?.role == .admin ? "<th>Correct</th>" : "")</tr></thead><tbody>"
        for detection in page.items {
            body += Self.row(detection, name: detection.workerID.flatMap { names[$0] }, site: true,
                             correction: correctionForm(detection, name: detection.workerID.flatMap { names[$0] },
                                                        back: back, context: context))
        }
        body += "</tbody></table>"
        if let next = page.nextCursor {
            let more = (filter.isEmpty ? "" : filter.query + "&") + "cursor=\(next)"
            body += "<p><a id=\"older\" href=\"/dashboard/search?\(more)\">Older detections →</a></p>"
        }
        return html(HTML.page(title: "Search detections", active: "search", session: context.session, body: body))
    }

    // MARK: Not this worker

    /// The "Not this worker" button of a recognised detection (admins only; empty otherwise).
    func correctionForm(_ detection: Detection, name: String?, back: String, context: CloudRequestContext) -> String {
        guard context.token?.role == .admin, let id = detection.id else { return "" }
        guard let workerID = detection.workerID else { return "<td></td>" }
        let who = HTML.escape(name ?? "worker \(workerID)")
        return """
            <td><form method="post" action="/dashboard/detections/\(id)/not-this-worker" class="not-this-worker" \
            data-confirm="This face is not \(who)? It will not be matched to them again.">\(HTML.csrfField(context.session?.csrfToken ?? ""))\
            <input type="hidden" name="worker" value="\(workerID)"><input type="hidden" name="site" value="\(HTML.escape(detection.siteID))">\
            <input type="hidden" name="back" value="\(HTML.escape(back))"><button type="submit">Not \(who)</button></form></td>
            """
    }

    @Sendable func notThisWorker(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else {
            throw CloudError(.badRequest, "bad detection id", subject: "id")
        }
        let form = try await submittedForm(request, context: context, limit: 16 * 1024)
        guard let worker = form.fields["worker"].flatMap(Int64.init), let site = form.fields["site"], !site.isEmpty else {
            throw CloudError(.badRequest, "the form names no worker and site", subject: "worker")
        }
        let outcome = try await aggregator.markNotThisWorker(detectionID: id, workerID: worker, siteID: site,
                                                             actor: context.actor)
        let name = aggregator.workerName(worker) ?? "worker \(worker)"
        let now = outcome.detectionWorkerID.flatMap { aggregator.workerName($0) } ?? (outcome.detectionWorkerID == nil ? "unknown" : "another worker")
        return Self.redirect(Self.safeBack(form.fields["back"]),
                             notice: "Detection \(id) is not \(name); it now reads \(now). Gallery version \(outcome.galleryVersion) published.",
                             undo: outcome.correctionID)
    }

    @Sendable func undoCorrection(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else {
            throw CloudError(.badRequest, "bad correction id", subject: "id")
        }
        let form = try await submittedForm(request, context: context, limit: 16 * 1024)
        let outcome = try await aggregator.undoNotThisWorker(correctionID: id, actor: context.actor)
        return Self.redirect(Self.safeBack(form.fields["back"]),
                             notice: "Correction \(id) undone; gallery version \(outcome.galleryVersion) published.", undo: nil)
    }

    /// A dashboard path to return to (anything else, e.g. another site's address, goes to the search page).
    static func safeBack(_ path: String?) -> String {
        guard let path, path.hasPrefix("/dashboard"), !path.hasPrefix("//"), !path.contains("\\"),
              path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else { return "/dashboard/search" }
        return path
    }

    /// `path` with a notice (and the correction it may undo) added to its query.
    static func redirect(_ path: String, notice: String, undo: Int64?) -> Response {
        let text = notice.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let separator = path.contains("?") ? "&" : "?"
        return Response.redirect(to: "\(path)\(separator)notice=\(text)" + (undo.map { "&undo=\($0)" } ?? ""), type: .found)
    }

    /// The page's notice, and the undo button of a correction just made.
    func notices(_ request: Request, context: CloudRequestContext) -> String {
        let query = request.uri.queryParameters
        var out = ""
        if let notice = query.get("notice") {
            out += "<p class=\"notice\" id=\"notice\">\(HTML.escape(notice))</p>"
        }
        if let undo = query.get("undo").flatMap(Int64.init), context.token?.role == .admin {
            // Back to this page without the notice and the undo.
            var parts = URLComponents(string: request.uri.description) ?? URLComponents()
            parts.queryItems = parts.queryItems?.filter { !["notice", "undo"].contains($0.name) }
            let back = (parts.path.isEmpty ? "/dashboard" : parts.path)
                + ((parts.percentEncodedQuery ?? "").isEmpty ? "" : "?" + (parts.percentEncodedQuery ?? ""))
            out += """
                <form method="post" action="/dashboard/corrections/\(undo)/undo" id="undo">\(HTML.csrfField(context.session?.csrfToken ?? ""))\
                <input type="hidden" name="back" value="\(HTML.escape(back))"><button type="submit">Undo</button></form>
                """
        }
        return out
    }
}
