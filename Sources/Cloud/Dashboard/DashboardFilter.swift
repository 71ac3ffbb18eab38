// The detection filters of the live view and the search page, read from the query string (GET forms) and
// written back into the filter form and the live script's data attributes.
import Foundation
import Hummingbird

/// Site, camera, worker, unknown-only and a time range (UTC), as a dashboard user picks them.
struct DashboardFilter: Sendable, Equatable {
    /// Which faces: everyone, unknown faces only, recognised workers only.
    enum Who: String, Sendable, CaseIterable {
        case anyone = ""
        case unknown
        case known
    }

    var siteID: String?
    var camera: String?
    var workerID: Int64?
    var who = Who.anyone
    var from: Date?
    var until: Date?

    /// Reads `site`, `camera`, `worker`, `who`, `from` and `until` (`YYYY-MM-DDTHH:MM`, UTC; what a
    /// datetime-local input sends); empty fields are no filter. Throws `badRequest` naming the field.
    init(query: Hummingbird.Parameters) throws(CloudError) {
        func text(_ name: String) -> String? {
            guard let value = query.get(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        siteID = text("site")
        camera = text("camera")
        if let worker = text("worker") {
            guard let id = Int64(worker), id > 0 else {
                throw CloudError(.badRequest, "'\(worker.prefix(40))' is not a worker id", subject: "worker")
            }
            workerID = id
        }
        guard let who = Who(rawValue: text("who") ?? "") else {
            throw CloudError(.badRequest, "expected unknown or known", subject: "who")
        }
        self.who = who
        from = try text("from").map { value throws(CloudError) in try Self.instant(value, field: "from") }
        until = try text("until").map { value throws(CloudError) in try Self.instant(value, field: "until") }
        if let from, let until, until <= from {
            throw CloudError(.badRequest, "the time range ends before it starts", subject: "until")
        }
        if who == .unknown, workerID != nil {
            throw CloudError(.badRequest, "a worker and unknown faces only exclude each other", subject: "who")
        }
    }

    init() {}

    /// The store's filter.
    var detectionFilter: DetectionFilter {
        DetectionFilter(siteID: siteID, camera: camera, workerID: workerID,
                        unknown: who == .anyone ? nil : who == .unknown, from: from, until: until)
    }

    /// Whether any filter is set.
    var isEmpty: Bool { self == DashboardFilter() }

    /// The query string of these filters (no leading `?`).
    var query: String {
        var items = [URLQueryItem]()
        if let siteID { items.append(.init(name: "site", value: siteID)) }
        if let camera { items.append(.init(name: "camera", value: camera)) }
        if let workerID { items.append(.init(name: "worker", value: String(workerID))) }
        if who != .anyone { items.append(.init(name: "who", value: who.rawValue)) }
        if let from { items.append(.init(name: "from", value: Self.field(from))) }
        if let until { items.append(.init(name: "until", value: Self.field(until))) }
        var parts = URLComponents()
        parts.queryItems = items
        return parts.percentEncodedQuery ?? ""
    }

    /// The filter form (GET to `action`); nothing in it is an action on a worker.
    func form(action: String, sites: [Site], workers: [Worker], id: String) -> String {
        let siteOptions = sites.map { site in
            "<option value=\"\(HTML.escape(site.id))\"\(site.id == siteID ? " selected" : "")>\(HTML.escape(site.name))</option>"
        }.joined()
        let workerOptions = workers.compactMap { worker -> String? in
            guard let id = worker.id else { return nil }
            return "<option value=\"\(id)\"\(id == workerID ? " selected" : "")>\(HTML.escape(worker.name))</option>"
        }.joined()
        let whoOptions = [(Who.anyone, "anyone"), (.unknown, "unknown faces only"), (.known, "recognised workers only")]
            .map { value, label in
                "<option value=\"\(value.rawValue)\"\(value == who ? " selected" : "")>\(label)</option>"
            }.joined()
        return """
            <form method="get" action="\(action)" id="\(id)" class="filters">
            <label>Site <select name="site" id="filter-site"><option value="">all sites</option>\(siteOptions)</select></label>
            <label>Camera <input name="camera" id="filter-camera" maxlength="200" value="\(HTML.escape(camera ?? ""))"></label>
            <label>Worker <select name="worker" id="filter-worker"><option value="">any worker</option>\(workerOptions)</select></label>
            <label>Who <select name="who" id="filter-who">\(whoOptions)</select></label>
            <label>From (UTC) <input type="datetime-local" name="from" id="filter-from" value="\(from.map(Self.field) ?? "")"></label>
            <label>Until (UTC) <input type="datetime-local" name="until" id="filter-until" value="\(until.map(Self.field) ?? "")"></label>
            <button type="submit" id="filter-apply">Apply</button> <a href="\(action)" id="filter-clear">Clear</a></form>
            """
    }

    /// Data attributes with which the live script drops pushed detections the filters exclude.
    var dataAttributes: String {
        var attributes = ""
        if let siteID { attributes += " data-filter-site=\"\(HTML.escape(siteID))\"" }
        if let camera { attributes += " data-filter-camera=\"\(HTML.escape(camera))\"" }
        if let workerID { attributes += " data-filter-worker=\"\(workerID)\"" }
        if who != .anyone { attributes += " data-filter-who=\"\(who.rawValue)\"" }
        if let from { attributes += " data-filter-from=\"\(Int64(from.timeIntervalSince1970 * 1000))\"" }
        if let until { attributes += " data-filter-until=\"\(Int64(until.timeIntervalSince1970 * 1000))\"" }
        return attributes
    }

    /// `YYYY-MM-DDTHH:MM` in UTC.
    static func field(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }

    static func instant(_ text: String, field: String) throws(CloudError) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if text.utf8.count <= 19, let date = formatter.date(from: text) { return date }
        }
        throw CloudError(.badRequest, "'\(text.prefix(40))' is not a time of the form YYYY-MM-DDTHH:MM (UTC)", subject: field)
    }
}
