// The dashboard: server-rendered pages (live detections, workers, agents, unknown tracks) behind a login kept in
// a database session (a random id in an HttpOnly, SameSite=Strict cookie), with live updates over server-sent
// events. Every state change is a POST that must come from this site (Origin) and carry the session's
// anti-forgery token.
import Foundation
import Hummingbird
import ServiceLifecycle

/// Registers `/login`, `/dashboard/...` (with `/dashboard/logout`) and the dashboard's assets.
struct DashboardController {
    let aggregator: Aggregator
    let tokens: TokenIssuer
    let sessions: DashboardSessions
    let throttle: LoginThrottle
    let origin: RequestOrigin

    var store: any Store { aggregator.store }

    /// The form field holding the anti-forgery token.
    static let csrfField = "csrf"
    /// The cookie that ties the login form to the browser that loaded it (before there is a session).
    static let loginCookie = "rollcall_login"

    func register(on router: Router<CloudRequestContext>) {
        DashboardAssets.register(on: router)
        router.get("/") { _, _ in Response.redirect(to: "/dashboard", type: .normal) }
        let loginRoutes = router.group("login")
            .add(middleware: DashboardErrorMiddleware(metrics: aggregator.metrics))
        loginRoutes.get("", use: loginPage)
        loginRoutes.post("", use: login)
        let group = router.group("dashboard")
            .add(middleware: DashboardErrorMiddleware(metrics: aggregator.metrics))
            .add(middleware: SessionMiddleware(sessions: sessions, tokens: tokens, origin: origin))
        group.get("", use: live)
        group.get("events", use: events)
        group.post("logout", use: logout)
        group.get("workers", use: workers)
        group.post("workers", use: createWorker)
        group.post("workers/:id/photos", use: uploadPhoto)
        group.post("workers/:id/delete", use: deleteWorker)
        group.get("agents", use: agents)
        group.get("sightings", use: sightings)
        group.get("unknown", use: unknownTracks)
        group.post("unknown/assign", use: assignTrack)
        group.get("crops/:id", use: crop)
        group.get("search", use: search)
        group.post("detections/:id/not-this-worker", use: notThisWorker)
        group.post("corrections/:id/undo", use: undoCorrection)
        group.get("people", use: people)
        group.get("people/:id", use: person)
        group.post("people/:id/enroll", use: enrollPerson)
        group.post("people/:id/merge", use: mergePerson)
        group.post("people/:id/split", use: splitPerson)
        group.post("people/:id/dismiss", use: dismissPerson)
        group.post("people/:id/restore", use: restorePerson)
        group.get("attendance", use: attendanceDay)
        group.get("attendance/workers/:id", use: attendanceTimeline)
        group.get("attendance/csv", use: attendanceCSV)
        group.get("notifications", use: notifications)
        group.get("photos/:id", use: photo)
    }

    // MARK: Login and logout

    func loginForm(error: String?, csrf: String) -> String {
        (error.map { "<p class=\"error\" id=\"login-error\">\(HTML.escape($0))</p>" } ?? "") + """
            <form method="post" action="/login" id="login">\(HTML.csrfField(csrf))
            <label>API token <input type="password" name="token" id="token" size="70" autocomplete="off"></label>
            <button type="submit" id="login-submit">Log in</button></form>
            <p>Create one with <code>rollcall token create --role admin</code>.</p>
            """
    }

    /// The login form, with a fresh anti-forgery value in the form and in a short-lived cookie.
    func loginResponse(error: String?, status: HTTPResponse.Status, request: Request) -> Response {
        let csrf = TokenIssuer.randomHex(bytes: 32)
        var response = html(HTML.page(title: "Log in", active: "", session: nil,
                                      body: loginForm(error: error, csrf: csrf)), status: status)
        response.headers.append(HTTPFields.Element(
            name: .setCookie, value: cookie(Self.loginCookie, csrf, path: "/login", maxAge: 1800, request: request)))
        return response
    }

    @Sendable func loginPage(_ request: Request, context: CloudRequestContext) async throws -> Response {
        loginResponse(error: nil, status: .ok, request: request)
    }

    @Sendable func login(_ request: Request, context: CloudRequestContext) async throws -> Response {
        if let why = origin.crossSiteRefusal(request, required: true) {
            throw CloudError(.forbidden, "login refused: \(why)", subject: "Origin")
        }
        let address = origin.clientAddress(request, context: context)
        try throttle.check(address)
        let form = try FormData(contentType: request.headers[.contentType],
                                body: try await readBody(request, limit: 16 * 1024, what: "login form"))
        guard let sent = form.fields[Self.csrfField], let expected = Self.cookie(Self.loginCookie, in: request),
              DashboardSessions.constantTimeEqual(sent, expected) else {
            return loginResponse(error: "The login form expired; log in again.", status: .forbidden, request: request)
        }
        let secret = form.fields["token"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard let token = try await tokens.verify(secret) else {
            throttle.recordFailure(address)
            aggregator.metrics.increment("rollcall_cloud_login_failures_total")
            return loginResponse(error: "Unknown, expired or revoked token.", status: .unauthorized, request: request)
        }
        let (id, session) = try await sessions.start(for: token)
        var response = Response.redirect(to: "/dashboard", type: .found)
        response.headers.append(HTTPFields.Element(name: .setCookie, value: cookie(
            DashboardSessions.cookieName, id, path: "/", maxAge: Int(session.expiresAt.timeIntervalSinceNow),
            request: request)))
        response.headers.append(HTTPFields.Element(
            name: .setCookie, value: cookie(Self.loginCookie, "", path: "/login", maxAge: 0, request: request)))
        return response
    }

    /// Ends the session on the server and clears the cookie.
    @Sendable func logout(_ request: Request, context: CloudRequestContext) async throws -> Response {
        _ = try await submittedForm(request, context: context, limit: 16 * 1024)
        if let id = Self.cookie(DashboardSessions.cookieName, in: request) { try await sessions.end(id) }
        var response = Response.redirect(to: "/login", type: .found)
        response.headers[.setCookie] = cookie(DashboardSessions.cookieName, "", path: "/", maxAge: 0, request: request)
        return response
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict, and Secure when served over HTTPS.
    func cookie(_ name: String, _ value: String, path: String, maxAge: Int, request: Request) -> String {
        "\(name)=\(value); Path=\(path); Max-Age=\(max(0, maxAge)); HttpOnly; SameSite=Strict"
            + (origin.secureCookies(request) ? "; Secure" : "")
    }

    /// The value of a request cookie.
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let kv = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == name { return String(kv[1]) }
            }
        }
        return nil
    }

    /// A submitted form of the session: parsed, and refused (403) unless it carries the session's
    /// anti-forgery token. Every POST handler reads its body through this.
    func submittedForm(_ request: Request, context: CloudRequestContext, limit: Int) async throws -> FormData {
        let form = try FormData(contentType: request.headers[.contentType],
                                body: try await readBody(request, limit: limit, what: "form"))
        guard let session = context.session, let sent = form.fields[Self.csrfField],
              DashboardSessions.constantTimeEqual(sent, session.csrfToken) else {
            throw CloudError(.forbidden, "the form carries no valid anti-forgery token (reload the page)",
                             subject: Self.csrfField)
        }
        return form
    }

    // MARK: Live detections

    @Sendable func live(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let filter = try DashboardFilter(query: request.uri.queryParameters)
        let allSites = try await store.sites()
        let sites = filter.siteID.map { id in allSites.filter { $0.id == id } } ?? allSites
        let workers = try await store.workers()
        let names = Dictionary(workers.compactMap { w in w.id.map { ($0, w.name) } }, uniquingKeysWith: { $1 })
        let back = "/dashboard" + (filter.isEmpty ? "" : "?\(filter.query)")
        var body = notices(request, context: context)
        body += "<p>Faces as the agents report them; new ones appear at the top of their site"
            + (filter.isEmpty ? "" : " when they match the filters") + ".</p>"
        body += filter.form(action: "/dashboard", sites: allSites, workers: workers, id: "live-filters")
        body += "<div id=\"sites\"\(filter.dataAttributes)>"
        for site in sites {
            var siteFilter = filter.detectionFilter
            siteFilter.siteID = site.id
            let recent = try await store.detections(siteFilter, limit: 20, cursor: nil).items
            body += "<section id=\"site-\(HTML.escape(site.id))\"><h2>\(HTML.escape(site.name))</h2>"
            body += "<table><thead><tr><th>Time</th><th>Camera</th><th>Crop</th><th>Who</th><th>Distance</th>"
            body += "<th>Emotion</th>\(context.token?.role == .admin ? "<th>Correct</th>" : "")</tr></thead><tbody>"
            for detection in recent {
                let name = detection.workerID.flatMap { names[$0] }
                body += Self.row(detection, name: name,
                                 correction: correctionForm(detection, name: name, back: back, context: context))
            }
            body += "</tbody></table></section>"
        }
        body += "</div>"
        return html(HTML.page(title: "Live detections", active: "live", session: context.session, body: body))
    }

    /// A detection's table row; `site` adds its site's column, `correction` its "Not this worker" cell.
    static func row(_ detection: Detection, name: String?, site: Bool = false, correction: String = "") -> String {
        let who = detection.workerID == nil ? "<span class=\"unknown\">unknown</span>"
            : "<span class=\"known\">\(HTML.escape(name ?? "worker \(detection.workerID ?? 0)"))</span>"
        let crop = detection.privacy ? DashboardAssets.privacyMarker
            : detection.cropFile == nil ? "–"
            : "<img class=\"crop\" alt=\"crop\" src=\"/dashboard/crops/\(detection.id ?? 0)\">"
        return "<tr class=\"detection\" data-id=\"\(detection.id ?? 0)\"><td>\(Self.time(detection.time))</td>"
            + (site ? "<td class=\"site\">\(HTML.escape(detection.siteID))</td>" : "")
            + "<td class=\"camera\">\(HTML.escape(detection.camera))</td><td>\(crop)</td><td class=\"who\">\(who)</td>"
            + "<td>\(detection.distance.map { String(format: "%.3f", $0) } ?? "–")</td>"
            + "<td>\(HTML.escape(detection.emotion ?? "–"))</td>\(correction)</tr>"
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    @Sendable func events(_ request: Request, context: CloudRequestContext) async throws -> Response {
        aggregator.liveEvents.response(lastEventID: LiveEventRelay.lastEventID(of: request.headers))
    }

    // MARK: Images

    @Sendable func crop(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init),
              let detection = try await store.detection(id: id), let file = detection.cropFile else {
            throw CloudError(.notFound, "no such crop")
        }
        return image(try await aggregator.crops.read(file), file: file)
    }

    @Sendable func photo(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init), let photo = try await store.photo(id: id) else {
            throw CloudError(.notFound, "no such photo")
        }
        return image(try await aggregator.photos.read(photo.file), file: photo.file)
    }

    func image(_ data: Data, file: String) -> Response {
        Response(status: .ok, headers: [.contentType: mimeType(ofFile: file), .cacheControl: "private, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// An HTML response.
func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
             body: .init(byteBuffer: ByteBuffer(string: text)))
}
