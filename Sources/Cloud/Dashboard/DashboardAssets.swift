// The dashboard's one stylesheet and one script, served as files so that the Content-Security-Policy can forbid
// every inline script, inline style and inline event handler.
import Foundation
import Hummingbird

/// `/assets/dashboard.css` and `/assets/dashboard.js` (public, no session needed: the login page uses them).
enum DashboardAssets {
    static let stylePath = "/assets/dashboard.css"
    static let scriptPath = "/assets/dashboard.js"

    static func register(on router: Router<CloudRequestContext>) {
        router.get(RouterPath(stylePath)) { _, _ in file(style, type: "text/css; charset=utf-8") }
        router.get(RouterPath(scriptPath)) { _, _ in file(script, type: "text/javascript; charset=utf-8") }
    }

    private static func file(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
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
        form.filters{background:#fff;border:1px solid #d8dde3;padding:.5em .8em;margin-bottom:1em;display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:center}
        .person{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:.6em .9em;margin-bottom:1em}
        .person .crops img{width:72px;height:72px;object-fit:cover;margin-right:4px;border-radius:4px}
        .person dl{display:grid;grid-template-columns:max-content auto;gap:.15em 1em;margin:.5em 0}.person dt{color:#667}
        .person .actions form{display:inline-block;margin:.3em 1em .3em 0}
        svg.day{background:#eef1f5;border-radius:3px}svg.day rect.present{fill:#2a7f3e}
        td.outcome.delivered{color:#2a7f3e}td.outcome.failed,td.outcome.refused{color:#b23a48;font-weight:bold}
        td.outcome.cancelled{color:#999}
        """

    /// Shown instead of a crop when the agent sent only an embedding (also rendered by the server).
    static let privacyMarker = "<span class=\"privacy\" title=\"privacy mode: the agent sent only an embedding\">privacy</span>"

    /// Live detections (on the page with `#sites`): receives `detection` events and inserts a row at the top of
    /// the site's table, creating it when new, unless the page's filters (`data-filter-*` on `#sites`) exclude
    /// it. Pages with `data-reload` on `<body>` reload themselves; forms with `data-confirm` ask first.
    static let script = """
        'use strict';
        const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
        document.addEventListener('submit', e => {
          const question = e.target.dataset.confirm;
          if (question && !confirm(question)) e.preventDefault();
        });
        const reload = document.body.dataset.reload;
        if (reload) setTimeout(() => location.reload(), Number(reload));
        if (document.getElementById('sites')) {
          const f = document.getElementById('sites').dataset;
          const wanted = d => {
            if (f.filterSite && d.siteID !== f.filterSite) return false;
            if (f.filterCamera && d.camera !== f.filterCamera) return false;
            if (f.filterWorker && String(d.workerID) !== f.filterWorker) return false;
            if (f.filterWho === 'unknown' && d.workerID != null) return false;
            if (f.filterWho === 'known' && d.workerID == null) return false;
            const t = Date.parse(d.time);
            if (f.filterFrom && !(t >= Number(f.filterFrom))) return false;
            if (f.filterUntil && !(t < Number(f.filterUntil))) return false;
            return true;
          };
          const source = new EventSource('/dashboard/events');
          source.addEventListener('detection', e => {
            const d = JSON.parse(e.data);
            if (!wanted(d)) return;
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
            const crop = d.privacy ? '\(privacyMarker)' : '<img class="crop" alt="crop" src="/dashboard/crops/' + Number(d.detectionID) + '">';
            row.innerHTML = '<td>' + esc(d.time) + '</td><td class="camera">' + esc(d.camera) + '</td><td>' + crop + '</td><td class="who">' + who + '</td><td>' + (d.distance == null ? '–' : Number(d.distance).toFixed(3)) + '</td><td>' + esc(d.emotion ?? '–') + '</td>';
            section.querySelector('tbody').prepend(row);
          });
          source.addEventListener('open', () => document.body.dataset.live = 'connected');
        }
        """
}
