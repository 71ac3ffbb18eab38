// The dashboard: server-rendered pages (live detections, workers, agents, unknown tracks) behind a token
// login kept in a cookie, with live updates over server-sent events.
import Foundation
import Hummingbird
import ServiceLifecycle

/// Registers `/login`, `/logout` and `/dashboard/...`.
struct DashboardController {
    let aggregator: Aggregator
    let tokens: TokenIssuer

    var store: any Store { aggregator.store }

    func register(on router: Router<CloudRequestContext>) {
        router.get("/") { _, _ in Response.redirect(to: "/dashboard", type: .normal) }
        router.get("login") { request, _ in
            html(HTML.page(title: "Log in", active: "", role: nil, body: loginForm(error: nil)))
        }
        router.post("login", use: login)
        router.post("logout") { _, _ in
            var response = Response.redirect(to: "/login", type: .found)
            response.headers[.setCookie] = "\(AuthMiddleware.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
            return response
        }
        let group = router.group("dashboard")
            .add(middleware: DashboardErrorMiddleware())
            .add(middleware: AuthMiddleware(tokens: tokens))
        group.get("", use: live)
        group.get("events", use: events)
        group.get("workers", use: workers)
        group.post("workers", use: createWorker)
        group.post("workers/:id/photos", use: uploadPhoto)
        group.post("workers/:id/delete", use: deleteWorker)
        group.get("agents", use: agents)
        group.get("unknown", use: unknownTracks)
        group.post("unknown/assign", use: assignTrack)
        group.get("crops/:id", use: crop)
        group.get("photos/:id", use: photo)
    }

    // MARK: Login

    func loginForm(error: String?) -> String {
        (error.map { "<p class=\"error\" id=\"login-error\">\(HTML.escape($0))</p>" } ?? "") + """
            <form method="post" action="/login" id="login">
            <label>API token <input type="password" name="token" id="token" size="70" autocomplete="off"></label>
            <button type="submit" id="login-submit">Log in</button></form>
            <p>Create one with <code>rollcall token create --role admin</code>.</p>
            """
    }

    @Sendable func login(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let body = try await collect(request, limit: 64 * 1024)
        let form = try FormData(contentType: request.headers[.contentType], body: body)
        let secret = form.fields["token"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard try await tokens.verify(secret) != nil else {
            aggregator.metrics.increment("rollcall_cloud_login_failures_total")
            return html(HTML.page(title: "Log in", active: "", role: nil,
                                  body: loginForm(error: "Unknown or revoked token.")), status: .unauthorized)
        }
        var response = Response.redirect(to: "/dashboard", type: .found)
        response.headers[.setCookie] = "\(AuthMiddleware.cookieName)=\(secret); Path=/; HttpOnly; SameSite=Strict"
        return response
    }

    // MARK: Live detections

    @Sendable func live(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let sites = try await store.sites()
        let names = Dictionary(uniqueKeysWithValues: try await store.workers().compactMap { w in w.id.map { ($0, w.name) } })
        var body = "<p>Faces as the agents report them; new ones appear at the top of their site.</p><div id=\"sites\">"
        for site in sites {
            let recent = try await store.detections(DetectionFilter(siteID: site.id), limit: 20, cursor: nil).items
            body += "<section id=\"site-\(HTML.escape(site.id))\"><h2>\(HTML.escape(site.name))</h2>"
            body += "<table><thead><tr><th>Time</th><th>Camera</th><th>Crop</th><th>Who</th><th>Distance</th>"
            body += "<th>Emotion</th></tr></thead><tbody>"
            for detection in recent {
                body += Self.row(detection, name: detection.workerID.flatMap { names[$0] })
            }
            body += "</tbody></table></section>"
        }
        body += "</div>" + Self.liveScript
        return html(HTML.page(title: "Live detections", active: "live", role: context.token?.role, body: body))
    }

    static func row(_ detection: Detection, name: String?) -> String {
        let who = detection.workerID == nil ? "<span class=\"unknown\">unknown</span>"
            : "<span class=\"known\">\(HTML.escape(name ?? "worker \(detection.workerID ?? 0)"))</span>"
        let crop = detection.privacy ? privacyMarker
            : detection.cropFile == nil ? "–"
            : "<img class=\"crop\" alt=\"crop\" src=\"/dashboard/crops/\(detection.id ?? 0)\">"
        return "<tr class=\"detection\" data-id=\"\(detection.id ?? 0)\"><td>\(Self.time(detection.time))</td>"
            + "<td>\(HTML.escape(detection.camera))</td><td>\(crop)</td><td class=\"who\">\(who)</td>"
            + "<td>\(detection.distance.map { String(format: "%.3f", $0) } ?? "–")</td>"
            + "<td>\(HTML.escape(detection.emotion ?? "–"))</td></tr>"
    }

    /// Shown instead of a crop when the agent sent only an embedding.
    static let privacyMarker = "<span class=\"privacy\" title=\"privacy mode: the agent sent only an embedding\">privacy</span>"

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    /// Receives `detection` events and inserts a row at the top of the site's table (creating it when new).
    static let liveScript = """
        <script>
        const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
        const source = new EventSource('/dashboard/events');
        source.addEventListener('detection', e => {
          const d = JSON.parse(e.data);
          let section = document.getElementById('site-' + d.siteID);
          if (!section) {
            section = document.createElement('section');
            section.id = 'site-' + d.siteID;
            section.innerHTML = '<h2>' + esc(d.siteID) + '</h2><table><thead><tr><th>Time</th><th>Camera</th><th>Crop</th><th>Who</th><th>Distance</th><th>Emotion</th></tr></thead><tbody></tbody></table>';
            document.getElementById('sites').prepend(section);
          }
          const who = d.workerID == null ? '<span class="unknown">unknown</span>' : '<span class="known">' + esc(d.workerName) + '</span>';
          const row = document.createElement('tr');
          row.className = 'detection live';
          row.dataset.id = d.detectionID;
          const crop = d.privacy ? '\(privacyMarker)' : '<img class="crop" alt="crop" src="/dashboard/crops/' + d.detectionID + '">';
          row.innerHTML = '<td>' + esc(d.time) + '</td><td>' + esc(d.camera) + '</td><td>' + crop + '</td><td class="who">' + who + '</td><td>' + (d.distance == null ? '–' : d.distance.toFixed(3)) + '</td><td>' + esc(d.emotion ?? '–') + '</td>';
          section.querySelector('tbody').prepend(row);
        });
        source.addEventListener('open', () => document.body.dataset.live = 'connected');
        </script>
        """

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

    // MARK: Helpers

    func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
        let body = request.body
        do {
            return Array(try await body.collect(upTo: limit).readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw CloudError(.tooLarge, "upload exceeds the limit of \(limit) bytes")
        }
    }
}

/// An HTML response.
func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
             body: .init(byteBuffer: ByteBuffer(string: text)))
}
