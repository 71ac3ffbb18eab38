// The recurring unknown people pages: each person's best crops, sightings, cameras, sites, first and last seen;
// enroll as a new worker, merge, split, dismiss or restore. No control preselects a worker or a person: enrolling
// makes a new worker from a typed name, and the merge and split choices start empty.
import Foundation
import Hummingbird

extension DashboardController {
    /// Most people listed on one page.
    static let peoplePerPage = 100

    @Sendable func people(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let dismissed = request.uri.queryParameters.get("status") == "dismissed"
        let list = try await store.unknownPeople(status: dismissed ? .dismissed : .active, limit: Self.peoplePerPage)
        var body = notices(request, context: context)
        body += "<p>Unknown faces from every camera and site, grouped into people by face. "
        body += dismissed ? "<a href=\"/dashboard/people\" id=\"show-active\">Show active people</a>"
            : "<a href=\"/dashboard/people?status=dismissed\" id=\"show-dismissed\">Show dismissed people</a>"
        body += "</p><div id=\"people\">"
        if list.isEmpty { body += "<p id=\"no-people\">Nobody yet.</p>" }
        let others = list.map(\.id)
        for person in list {
            body += try await personCard(person, others: others.filter { $0 != person.id }, context: context, detail: false)
        }
        body += "</div>"
        return html(HTML.page(title: dismissed ? "Dismissed unknown people" : "Recurring unknown people", active: "people",
                              session: context.session, body: body))
    }

    @Sendable func person(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let person = try await aggregator.existingPerson(try personID(context))
        let others = try await store.unknownPeople(status: person.status == .dismissed ? .dismissed : .active,
                                                   limit: Self.peoplePerPage).map(\.id).filter { $0 != person.id }
        var body = notices(request, context: context)
        body += try await personCard(person, others: others, context: context, detail: true)
        let sightings = try await store.unknownSightings(personID: person.id)
        let isAdmin = context.token?.role == .admin && person.status != .enrolled
        body += "<h2>Sightings</h2>"
        if isAdmin {
            body += "<form method=\"post\" action=\"/dashboard/people/\(person.id)/split\" id=\"split\">"
                + HTML.csrfField(context.session?.csrfToken ?? "")
        }
        body += "<table id=\"sightings\"><thead><tr>\(isAdmin ? "<th>Split off</th>" : "")<th>Site</th><th>Camera</th>"
            + "<th>Agent / track</th><th>First seen</th><th>Last seen</th><th>Faces</th></tr></thead><tbody>"
        for (index, s) in sightings.enumerated() {
            // Site and agent ids are MQTT topic levels and track ids numbers: none holds a "/".
            let value = HTML.escape("\(s.siteID)/\(s.agentID)/\(s.trackID)")
            body += "<tr class=\"sighting\">"
                + (isAdmin ? "<td><input type=\"checkbox\" name=\"track-\(index)\" value=\"\(value)\" id=\"track-\(index)\"></td>" : "")
                + "<td>\(HTML.escape(s.siteID))</td><td>\(HTML.escape(s.camera))</td>"
                + "<td>\(HTML.escape(s.agentID)) / \(HTML.escape(s.trackID))</td><td>\(Self.time(s.firstSeen))</td>"
                + "<td>\(Self.time(s.lastSeen))</td><td>\(s.detections)</td></tr>"
        }
        body += "</tbody></table>"
        if isAdmin {
            body += "<button type=\"submit\" id=\"split-submit\">Split the ticked sightings into a new person</button></form>"
        }
        return html(HTML.page(title: "Unknown person \(person.id)", active: "people", session: context.session, body: body))
    }

    /// One person: crops, figures and (for admins) the actions.
    func personCard(_ person: UnknownPerson, others: [Int64], context: CloudRequestContext,
                    detail: Bool) async throws -> String {
        let crops = BestCrops.display.choose(from: try await store.unknownCropCandidates(personID: person.id))
        let images = crops.map { "<img class=\"crop\" alt=\"crop\" src=\"/dashboard/crops/\($0.detectionID)\">" }.joined()
        let title = detail ? "Person \(person.id)"
            : "<a href=\"/dashboard/people/\(person.id)\">Person \(person.id)</a>"
        var card = "<section class=\"person\" id=\"person-\(person.id)\" data-id=\"\(person.id)\"><h2>\(title)"
            + (person.status == .active ? "" : " <small class=\"status\">(\(person.status.rawValue))</small>") + "</h2>"
        card += "<div class=\"crops\">\(images.isEmpty ? "no crop kept" : images)</div><dl>"
        card += "<dt>Sightings</dt><dd class=\"sightings\">\(person.sightings) (\(person.detections) faces)</dd>"
        card += "<dt>Cameras</dt><dd class=\"cameras\">\(HTML.escape(person.cameras.joined(separator: ", ")))</dd>"
        card += "<dt>Sites</dt><dd class=\"sites\">\(HTML.escape(person.sites.joined(separator: ", ")))</dd>"
        card += "<dt>First seen</dt><dd>\(Self.time(person.firstSeen))</dd><dt>Last seen</dt><dd>\(Self.time(person.lastSeen))</dd>"
        if let worker = person.workerID {
            card += "<dt>Enrolled as</dt><dd>\(HTML.escape(aggregator.workerName(worker) ?? "worker \(worker)"))</dd>"
        }
        card += "</dl>"
        guard context.token?.role == .admin, person.status != .enrolled else { return card + "</section>" }
        let csrf = HTML.csrfField(context.session?.csrfToken ?? "")
        let base = "/dashboard/people/\(person.id)"
        let back = HTML.escape(detail ? base : "/dashboard/people" + (person.status == .dismissed ? "?status=dismissed" : ""))
        card += "<div class=\"actions\">"
        card += """
            <form method="post" action="\(base)/enroll" class="enroll">\(csrf)<input type="hidden" name="back" value="\(back)">\
            <label>New worker's name <input name="name" required maxlength="200" autocomplete="off"></label> \
            <button type="submit">Enroll as a new worker</button></form>
            """
        if !others.isEmpty {
            let options = others.map { "<option value=\"\($0)\">person \($0)</option>" }.joined()
            card += """
                <form method="post" action="\(base)/merge" class="merge">\(csrf)<input type="hidden" name="back" value="\(back)">\
                <label>Merge in <select name="from" required><option value="" selected disabled>Choose a person…</option>\(options)</select></label> \
                <button type="submit">Merge into person \(person.id)</button></form>
                """
        }
        let (action, label) = person.status == .dismissed ? ("restore", "Restore") : ("dismiss", "Dismiss")
        card += """
            <form method="post" action="\(base)/\(action)" class="\(action)">\(csrf)<input type="hidden" name="back" value="\(back)">\
            <button type="submit">\(label)</button></form>
            """
        if !detail { card += "<a href=\"\(base)\" class=\"split-link\">Split…</a>" }
        return card + "</div></section>"
    }

    func personID(_ context: CloudRequestContext) throws(CloudError) -> Int64 {
        guard let id = context.parameters.get("id").flatMap(Int64.init), id > 0 else {
            throw CloudError(.badRequest, "bad person id", subject: "id")
        }
        return id
    }

    @Sendable func enrollPerson(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try personID(context)
        let form = try await submittedForm(request, context: context, limit: 16 * 1024)
        let name = form.fields["name"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !name.isEmpty else { throw CloudError(.badRequest, "type the new worker's name", subject: "name") }
        let enrolled = try await aggregator.enrollUnknownPerson(id: id, name: name, actor: context.actor)
        return Self.redirect("/dashboard/people", notice: "Person \(id) enrolled as \(name) (worker \(enrolled.workerID)) "
                             + "from \(enrolled.photos) crops; gallery version \(enrolled.galleryVersion) published.")
    }

    @Sendable func mergePerson(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try personID(context)
        let form = try await submittedForm(request, context: context, limit: 16 * 1024)
        guard let from = form.fields["from"].flatMap(Int64.init), from > 0 else {
            throw CloudError(.badRequest, "choose the person to merge in", subject: "from")
        }
        guard from != id else { throw CloudError(.badRequest, "a person cannot be merged into themselves", subject: "from") }
        let merged = try await aggregator.mergeUnknownPeople(into: id, from: from, actor: context.actor)
        return Self.redirect(Self.safeBack(form.fields["back"]), notice: "Person \(from) merged into person \(id): "
                             + "\(merged.sightings) sightings.", undo: nil)
    }

    @Sendable func splitPerson(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try personID(context)
        let form = try await submittedForm(request, context: context, limit: 256 * 1024)
        let ticked = form.fields.filter { $0.key.hasPrefix("track-") }.sorted { $0.key < $1.key }.map(\.value)
        let tracks = try ticked.map { value throws(CloudError) -> TrackRef in
            let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
                throw CloudError(.badRequest, "a ticked sighting is malformed", subject: "track")
            }
            return TrackRef(siteID: parts[0], agentID: parts[1], trackID: parts[2])
        }
        guard !tracks.isEmpty else { throw CloudError(.badRequest, "tick the sightings to split off", subject: "track") }
        let split = try await aggregator.splitUnknownPerson(id: id, tracks: tracks, actor: context.actor)
        return Self.redirect("/dashboard/people/\(split.id)",
                             notice: "\(tracks.count) sighting\(tracks.count == 1 ? "" : "s") split off person \(id) into person \(split.id).")
    }

    @Sendable func dismissPerson(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try await setDismissed(request, context: context, true)
    }

    @Sendable func restorePerson(_ request: Request, context: CloudRequestContext) async throws -> Response {
        try await setDismissed(request, context: context, false)
    }

    func setDismissed(_ request: Request, context: CloudRequestContext, _ dismissed: Bool) async throws -> Response {
        let id = try personID(context)
        let form = try await submittedForm(request, context: context, limit: 16 * 1024)
        _ = try await aggregator.setUnknownPersonDismissed(id: id, dismissed, actor: context.actor)
        return Self.redirect(Self.safeBack(form.fields["back"]),
                             notice: "Person \(id) \(dismissed ? "dismissed: hidden and never notified" : "restored").", undo: nil)
    }
}
