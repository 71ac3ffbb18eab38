// Dashboard pages for workers (with photo upload), agents and unknown tracks, and their form actions.
import Foundation
import Hummingbird

extension DashboardController {
    // MARK: Workers

    @Sendable func workers(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let isAdmin = context.token?.role == .admin
        let csrf = HTML.csrfField(context.session?.csrfToken ?? "")
        var body = ""
        if let notice = request.uri.queryParameters.get("notice") {
            body += "<p class=\"notice\" id=\"notice\">\(HTML.escape(notice))</p>"
        }
        body += "<table id=\"workers\"><thead><tr><th>Name</th><th>Photos</th>\(isAdmin ? "<th>Add a photo</th><th></th>" : "")</tr></thead><tbody>"
        for worker in try await store.workers() {
            let id = worker.id ?? 0
            let photos = try await store.photos(workerID: id).map {
                "<img alt=\"photo\" src=\"/dashboard/photos/\($0.id ?? 0)\">"
            }.joined()
            body += "<tr class=\"worker\" data-id=\"\(id)\"><td class=\"name\">\(HTML.escape(worker.name))</td>"
            body += "<td class=\"photos\">\(photos.isEmpty ? "none yet" : photos)</td>"
            if isAdmin {
                body += """
                    <td><form method="post" action="/dashboard/workers/\(id)/photos" enctype="multipart/form-data" class="upload">\(csrf)
                    <input type="file" name="photo" accept="image/jpeg,image/png" required> <button type="submit">Upload</button></form></td>
                    <td><form method="post" action="/dashboard/workers/\(id)/delete" class="delete" data-confirm="Delete this worker and all their data?">\(csrf)
                    <button type="submit">Delete</button></form></td>
                    """
            }
            body += "</tr>"
        }
        body += "</tbody></table>"
        if isAdmin {
            body += """
                <h2>New worker</h2>
                <form method="post" action="/dashboard/workers" id="new-worker">\(csrf)<input name="name" id="new-worker-name" required maxlength="200">
                <button type="submit">Add</button></form>
                """
        }
        return html(HTML.page(title: "Workers", active: "workers", session: context.session, body: body))
    }

    @Sendable func createWorker(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let form = try await submittedForm(request, context: context, limit: 64 * 1024)
        let worker = try await aggregator.createWorker(name: form.fields["name"] ?? "", actor: context.actor)
        return Self.redirect("/dashboard/workers", notice: "Added \(worker.name).")
    }

    @Sendable func uploadPhoto(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else {
            throw CloudError(.badRequest, "bad worker id")
        }
        let form = try await submittedForm(request, context: context,
                                           limit: aggregator.config.http.maxUploadBytes + 64 * 1024)
        guard let file = form.files["photo"], !file.bytes.isEmpty else {
            throw CloudError(.badRequest, "choose a photo to upload", subject: "photo")
        }
        guard file.bytes.count <= aggregator.config.http.maxUploadBytes else {
            throw CloudError(.tooLarge, "photo exceeds the limit of \(aggregator.config.http.maxUploadBytes) bytes")
        }
        let (_, version) = try await aggregator.enroll(workerID: id, photo: file.bytes, actor: context.actor)
        return Self.redirect("/dashboard/workers", notice: "Photo enrolled; gallery version \(version.version) published.")
    }

    @Sendable func deleteWorker(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else {
            throw CloudError(.badRequest, "bad worker id")
        }
        _ = try await submittedForm(request, context: context, limit: 16 * 1024)
        let version = try await aggregator.deleteWorker(id: id, actor: context.actor)
        return Self.redirect("/dashboard/workers", notice: "Worker deleted; gallery version \(version.version) published.")
    }

    static func redirect(_ path: String, notice: String) -> Response {
        let query = notice.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Response.redirect(to: "\(path)?notice=\(query)", type: .found)
    }

    // MARK: Agents

    @Sendable func agents(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let latest = try await store.latestGalleryVersion()?.version
        var body = "<p>Latest gallery version: \(latest.map(String.init) ?? "none")</p>"
        body += "<table id=\"agents\"><thead><tr><th>Agent</th><th>Site</th><th>State</th><th>Last seen</th>"
        body += "<th>Frames/s</th><th>Outbox</th><th>Outbox dropped</th><th>Gallery</th></tr></thead><tbody>"
        let now = Date()
        for agent in try await store.agents() {
            let online = agent.status != "offline" && now.timeIntervalSince(agent.lastSeen) < 90
            body += "<tr class=\"agent\"><td>\(HTML.escape(agent.id))</td><td>\(HTML.escape(agent.siteID))</td>"
            body += "<td class=\"\(online ? "online" : "offline")\">\(online ? "online" : "offline")</td>"
            body += "<td>\(Self.time(agent.lastSeen))</td><td>\(String(format: "%.1f", agent.framesPerSecond))</td>"
            body += "<td>\(agent.outboxDepth)</td><td class=\"outbox-dropped\">\(agent.outboxDropped)</td>"
            body += "<td>\(agent.galleryVersionAcked.map(String.init) ?? "–")</td></tr>"
        }
        body += "</tbody></table>"
        return html(HTML.page(title: "Agents", active: "agents", session: context.session, body: body,
                              reloadAfter: 10_000))
    }

    // MARK: Unknown tracks

    @Sendable func unknownTracks(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let isAdmin = context.token?.role == .admin
        let csrf = HTML.csrfField(context.session?.csrfToken ?? "")
        let workers = try await store.workers()
        let options = workers.map { "<option value=\"\($0.id ?? 0)\">\(HTML.escape($0.name))</option>" }.joined()
        var body = ""
        if let notice = request.uri.queryParameters.get("notice") {
            body += "<p class=\"notice\" id=\"notice\">\(HTML.escape(notice))</p>"
        }
        body += "<table id=\"tracks\"><thead><tr><th>Best crop</th><th>Site / camera</th><th>Agent / track</th>"
        body += "<th>Seen</th><th>Crops</th>\(isAdmin ? "<th>Assign to</th>" : "")</tr></thead><tbody>"
        for track in try await store.unknownTracks(limit: 100) {
            let best = try await store.detections(DetectionFilter(agentID: track.agentID, trackID: track.trackID),
                                                  limit: 1, cursor: nil).items.first
            let crop = best.map { "<img class=\"crop\" alt=\"crop\" src=\"/dashboard/crops/\($0.id ?? 0)\">" } ?? "–"
            body += "<tr class=\"track\"><td>\(crop)</td><td>\(HTML.escape(track.siteID)) / \(HTML.escape(track.camera))</td>"
            body += "<td>\(HTML.escape(track.agentID)) / \(HTML.escape(track.trackID))</td>"
            body += "<td>\(Self.time(track.lastSeen))</td><td>\(track.detections)</td>"
            if isAdmin {
                body += """
                    <td><form method="post" action="/dashboard/unknown/assign">\(csrf)
                    <input type="hidden" name="agentID" value="\(HTML.escape(track.agentID))">
                    <input type="hidden" name="trackID" value="\(HTML.escape(track.trackID))">
                    <select name="workerID" required><option value="" selected disabled>Choose a worker…</option>\(options)</select> <button type="submit">Assign</button></form></td>
                    """
            }
            body += "</tr>"
        }
        body += "</tbody></table>"
        return html(HTML.page(title: "Unknown tracks", active: "unknown", session: context.session, body: body))
    }

    @Sendable func assignTrack(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let form = try await submittedForm(request, context: context, limit: 64 * 1024)
        guard let agentID = form.fields["agentID"], let trackID = form.fields["trackID"],
              let workerID = form.fields["workerID"].flatMap(Int64.init) else {
            throw CloudError(.badRequest, "agentID, trackID and workerID are required")
        }
        let (photos, version) = try await aggregator.assignTrack(agentID: agentID, trackID: trackID,
                                                                 workerID: workerID, actor: context.actor)
        return Self.redirect("/dashboard/unknown",
                             notice: "\(photos) crops enrolled; gallery version \(version.version) published.")
    }
}
