// Small helpers for server-rendered HTML: escaping and the page layout.
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

    /// A whole page with the navigation bar.
    static func page(title: String, active: String, role: Role?, body: String) -> String {
        let links = [("live", "/dashboard", "Live"), ("workers", "/dashboard/workers", "Workers"),
                     ("agents", "/dashboard/agents", "Agents"), ("unknown", "/dashboard/unknown", "Unknown tracks"),
                     ("sightings", "/dashboard/sightings", "Seen, not sent")]
        let nav = links.map { key, href, label in
            "<a href=\"\(href)\"\(key == active ? " class=\"active\"" : "")>\(label)</a>"
        }.joined(separator: " ")
        let who = role.map { "<span class=\"role\">\($0.rawValue)</span> <form method=\"post\" action=\"/logout\" class=\"inline\"><button>Log out</button></form>" } ?? ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Rollcall</title>
            <style>\(style)</style></head>
            <body><header><strong>Rollcall</strong> <nav>\(role == nil ? "" : nav)</nav> <span class="who">\(who)</span></header>
            <main><h1>\(escape(title))</h1>
            \(body)
            </main></body></html>
            """
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d232a}
        header{background:#1d3557;color:#fff;padding:.6em 1em;display:flex;gap:1.5em;align-items:center}
        header a{color:#cfe0ff;margin-right:1em;text-decoration:none}header a.active{color:#fff;font-weight:bold}
        .who{margin-left:auto}.inline{display:inline}main{padding:1em 1.5em}
        table{border-collapse:collapse;background:#fff;margin-bottom:1.5em}
        td,th{border:1px solid #d8dde3;padding:.35em .6em;text-align:left;vertical-align:middle}
        img.crop{width:64px;height:64px;object-fit:cover;border-radius:4px}
        span.privacy{display:inline-block;padding:2px 6px;border-radius:4px;background:#e8eaf6;color:#283593;font-size:12px}
        .unknown{color:#b23a48;font-weight:bold}.known{color:#2a7f3e;font-weight:bold}
        .online{color:#2a7f3e}.offline{color:#999}.error{background:#fde8ea;border:1px solid #b23a48;padding:.6em}
        .notice{background:#e6f4ea;border:1px solid #2a7f3e;padding:.6em}
        .photos img{width:72px;height:72px;object-fit:cover;margin-right:4px;border-radius:4px}
        """
}
