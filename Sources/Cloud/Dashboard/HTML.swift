// Small helpers for server-rendered HTML: escaping, the anti-forgery field and the page layout. Pages carry
// no inline script or style (the Content-Security-Policy forbids them): see DashboardAssets.
import Foundation

enum HTML {
    /// Escapes text for element content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The hidden anti-forgery field every form of a session carries (`DashboardController.form`).
    static func csrfField(_ token: String) -> String {
        "<input type=\"hidden\" name=\"\(DashboardController.csrfField)\" value=\"\(escape(token))\">"
    }

    /// A whole page with the navigation bar. `session` nil: logged out (no navigation). `reloadAfter`
    /// (milliseconds) makes the page reload itself.
    static func page(title: String, active: String, session: DashboardSessions.Active?, body: String,
                     reloadAfter: Int? = nil) -> String {
        let links = [("live", "/dashboard", "Live"), ("workers", "/dashboard/workers", "Workers"),
                     ("agents", "/dashboard/agents", "Agents"), ("unknown", "/dashboard/unknown", "Unknown tracks"),
                     ("people", "/dashboard/people", "Unknown people"), ("sightings", "/dashboard/sightings", "Seen, not sent"),
                     ("attendance", "/dashboard/attendance", "Attendance"), ("search", "/dashboard/search", "Search"),
                     ("notifications", "/dashboard/notifications", "Notifications")]
        let nav = links.map { key, href, label in
            "<a href=\"\(href)\"\(key == active ? " class=\"active\"" : "")>\(label)</a>"
        }.joined(separator: " ")
        let who = session.map {
            "<span class=\"role\">\($0.token.role.rawValue)</span> <form method=\"post\" action=\"/dashboard/logout\" "
                + "class=\"inline\" id=\"logout\">\(csrfField($0.csrfToken))<button>Log out</button></form>"
        } ?? ""
        let reload = reloadAfter.map { " data-reload=\"\($0)\"" } ?? ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Rollcall</title>
            <link rel="stylesheet" href="\(DashboardAssets.stylePath)"></head>
            <body\(reload)><header><strong>Rollcall</strong> <nav>\(session == nil ? "" : nav)</nav> <span class="who">\(who)</span></header>
            <main><h1>\(escape(title))</h1>
            \(body)
            </main><script src="\(DashboardAssets.scriptPath)"></script></body></html>
            """
    }
}
