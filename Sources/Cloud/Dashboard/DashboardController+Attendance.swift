// Attendance in the dashboard: a day view (every worker seen at each site on one local day) and a worker's
// timeline (one bar per day from first to last seen, in the site's time zone). Bars are SVG shapes, not styles,
// so the Content-Security-Policy needs no inline style.
import Foundation
import Hummingbird

extension DashboardController {
    /// Longest timeline one page shows, in days.
    static let timelineMaximumDays = 92
    static let utc = TimeZone(secondsFromGMT: 0) ?? TimeZone.current

    @Sendable func attendanceDay(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let date = try query.get("date").map { text throws(CloudError) in try LocalDate(parsing: text) }
            ?? LocalDate(Date(), in: Self.utc)
        let siteID = query.get("site").flatMap { $0.isEmpty ? nil : $0 }
        let sites = try await store.sites()
        let days = try await aggregator.attendance(range: AttendanceRange(day: date), siteID: siteID, workerID: nil)
        let names = Dictionary(try await store.workers().compactMap { w in w.id.map { ($0, w.name) } }, uniquingKeysWith: { $1 })
        let siteNames = Dictionary(sites.map { ($0.id, $0.name) }, uniquingKeysWith: { $1 })
        let siteParameter = siteID.map { "&amp;site=\(Self.queryValue($0))" } ?? ""
        let siteOptions = sites.map {
            "<option value=\"\(HTML.escape($0.id))\"\($0.id == siteID ? " selected" : "")>\(HTML.escape($0.name))</option>"
        }.joined()
        var body = """
            <form method="get" action="/dashboard/attendance" id="attendance-day" class="filters">
            <label>Day <input type="date" name="date" id="attendance-date" value="\(date)" required></label>
            <label>Site <select name="site" id="attendance-site"><option value="">all sites</option>\(siteOptions)</select></label>
            <button type="submit">Show</button>
            <a href="/dashboard/attendance?date=\(date.adding(days: -1))\(siteID.map { "&site=\(Self.queryValue($0))" } ?? "")" id="previous-day">← \(date.adding(days: -1))</a>
            <a href="/dashboard/attendance?date=\(date.adding(days: 1))\(siteID.map { "&site=\(Self.queryValue($0))" } ?? "")" id="next-day">\(date.adding(days: 1)) →</a></form>
            <p>Each site's day in its own time zone.
            <a href="/dashboard/attendance/csv?from=\(date)&amp;to=\(date)\(siteParameter)" id="attendance-csv" download>Download this day as CSV</a></p>
            <form method="get" action="/dashboard/attendance/csv" id="attendance-csv-range" class="filters">
            <label>CSV from <input type="date" name="from" value="\(date.adding(days: -6))" required></label>
            <label>to <input type="date" name="to" value="\(date)" required></label>
            <input type="hidden" name="site" value="\(HTML.escape(siteID ?? ""))">
            <button type="submit" id="attendance-csv-download">Download CSV</button> (at most \(AttendanceRange.maximumDays) days)</form>
            """
        body += "<table id=\"attendance\"><thead><tr><th>Worker</th><th>Site</th><th>First seen</th><th>Last seen</th>"
            + "<th>Sightings</th><th>Cameras</th><th>Day</th></tr></thead><tbody>"
        for day in days.sorted(by: { ($0.siteID, names[$0.workerID] ?? "", $0.workerID) < ($1.siteID, names[$1.workerID] ?? "", $1.workerID) }) {
            let zone = TimeZone(identifier: day.timeZone) ?? Self.utc
            let name = HTML.escape(names[day.workerID] ?? "worker \(day.workerID)")
            body += "<tr class=\"attendance\" data-worker=\"\(day.workerID)\">"
                + "<td><a href=\"/dashboard/attendance/workers/\(day.workerID)?to=\(date)\">\(name)</a></td>"
                + "<td>\(HTML.escape(siteNames[day.siteID] ?? day.siteID))</td>"
                + "<td class=\"first\">\(Self.clock(day.firstSeen, zone))</td><td class=\"last\">\(Self.clock(day.lastSeen, zone))</td>"
                + "<td class=\"count\">\(day.sightings)</td><td>\(HTML.escape(day.cameras.joined(separator: ", ")))</td>"
                + "<td>\(Self.dayBar(day, zone: zone))</td></tr>"
        }
        body += "</tbody></table>"
        if days.isEmpty { body += "<p id=\"nobody\">Nobody was seen on \(date).</p>" }
        return html(HTML.page(title: "Attendance on \(date)", active: "attendance", session: context.session, body: body))
    }

    /// `?from=&to=[&site=]` (local days, at most a year): the attendance CSV, as the API's, for the session.
    @Sendable func attendanceCSV(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let fromText = query.get("from"), let toText = query.get("to") else {
            throw CloudError(.badRequest, "from and to are required (YYYY-MM-DD, local days of each site)", subject: "from")
        }
        let range = try AttendanceRange(from: try LocalDate(parsing: fromText), through: try LocalDate(parsing: toText))
        let siteID = query.get("site").flatMap { $0.isEmpty ? nil : $0 }
        let days = try await aggregator.attendance(range: range, siteID: siteID, workerID: nil)
        let names = Dictionary(try await store.workers().compactMap { w in w.id.map { ($0, w.name) } }, uniquingKeysWith: { $1 })
        return try await FeatureRoutes.csvResponse(days, range: range, workerNames: names, store: store)
    }

    @Sendable func attendanceTimeline(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard let workerID = context.parameters.get("id").flatMap(Int64.init), workerID > 0 else {
            throw CloudError(.badRequest, "bad worker id", subject: "id")
        }
        guard let worker = try await store.worker(id: workerID) else {
            throw CloudError(.notFound, "no such worker", subject: "worker:\(workerID)")
        }
        let query = request.uri.queryParameters
        let through = try query.get("to").map { text throws(CloudError) in try LocalDate(parsing: text) }
            ?? LocalDate(Date(), in: Self.utc)
        let from = try query.get("from").map { text throws(CloudError) in try LocalDate(parsing: text) } ?? through.adding(days: -27)
        let range = try AttendanceRange(from: from, through: through)
        guard range.days <= Self.timelineMaximumDays else {
            throw CloudError(.badRequest, "a timeline shows at most \(Self.timelineMaximumDays) days, not \(range.days)",
                             subject: "from")
        }
        let days = try await aggregator.attendance(range: range, siteID: nil, workerID: workerID)
        var body = """
            <form method="get" action="/dashboard/attendance/workers/\(workerID)" id="timeline-range" class="filters">
            <label>From <input type="date" name="from" value="\(from)" required></label>
            <label>To <input type="date" name="to" value="\(through)" required></label> <button type="submit">Show</button></form>
            <p id="timeline-summary">\(HTML.escape(worker.name)): seen on \(Set(days.map(\.date)).count) of \(range.days) days.</p>
            """
        body += "<table id=\"timeline\"><thead><tr><th>Day</th><th>Site</th><th>First seen</th><th>Last seen</th>"
            + "<th>Sightings</th><th>00:00 … 24:00 (site time)</th></tr></thead><tbody>"
        var date = through
        while date >= from {
            let seen = days.filter { $0.date == date }.sorted { $0.siteID < $1.siteID }
            if seen.isEmpty {
                body += "<tr class=\"absent\"><td>\(date)</td><td colspan=\"5\">–</td></tr>"
            }
            for day in seen {
                let zone = TimeZone(identifier: day.timeZone) ?? Self.utc
                body += "<tr class=\"present\" data-date=\"\(date)\"><td>\(date)</td><td>\(HTML.escape(day.siteID))</td>"
                    + "<td class=\"first\">\(Self.clock(day.firstSeen, zone))</td><td class=\"last\">\(Self.clock(day.lastSeen, zone))</td>"
                    + "<td class=\"count\">\(day.sightings)</td><td>\(Self.dayBar(day, zone: zone))</td></tr>"
            }
            date = date.adding(days: -1)
        }
        body += "</tbody></table>"
        return html(HTML.page(title: "Attendance of \(worker.name)", active: "attendance", session: context.session, body: body))
    }

    /// `HH:mm` of `instant` in `zone`.
    static func clock(_ instant: Date, _ zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: instant)
    }

    /// A 240×12 bar: the local day, with first to last seen filled.
    static func dayBar(_ day: AttendanceDay, zone: TimeZone) -> String {
        let span = day.date.interval(in: zone)
        let length = max(1, span.duration)
        let start = min(max(0, day.firstSeen.timeIntervalSince(span.start) / length), 1)
        let end = min(max(start, day.lastSeen.timeIntervalSince(span.start) / length), 1)
        let x = (start * 240).rounded(), width = max(2, ((end - start) * 240).rounded())
        return "<svg class=\"day\" width=\"240\" height=\"12\" role=\"img\" aria-label=\"\(clock(day.firstSeen, zone))–\(clock(day.lastSeen, zone))\">"
            + "<rect class=\"present\" x=\"\(Int(x))\" y=\"0\" width=\"\(Int(width))\" height=\"12\"/></svg>"
    }

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
