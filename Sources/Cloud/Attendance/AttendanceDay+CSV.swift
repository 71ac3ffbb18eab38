import Foundation

extension AttendanceDay {
    /// The CSV columns of attendance exports.
    public static let csvHeader = [
        "date", "site_id", "site_name", "time_zone", "worker_id", "worker_name", "first_seen_local",
        "last_seen_local", "first_seen_utc", "last_seen_utc", "sightings", "cameras",
    ]

    /// Attendance days as an RFC 4180 CSV document (local times as `YYYY-MM-DD HH:MM:SS` in the site's zone,
    /// which spreadsheets read as date-times; UTC times in ISO 8601; cameras separated by `;`).
    public static func csv(_ days: [AttendanceDay], workerNames: [Int64: String],
                           siteNames: [String: String]) throws(CloudError) -> String {
        var table = CSVTable(header: csvHeader)
        for day in days {
            let zone = TimeZone(identifier: day.timeZone) ?? .gmt
            try table.append([
                .text(day.date.description), .text(day.siteID), .text(siteNames[day.siteID] ?? ""),
                .text(day.timeZone), .integer(Int(day.workerID)), .text(workerNames[day.workerID] ?? ""),
                .text(localTime(day.firstSeen, zone)), .text(localTime(day.lastSeen, zone)),
                .text(day.firstSeen.formatted(.iso8601)), .text(day.lastSeen.formatted(.iso8601)),
                .integer(day.sightings), .text(day.cameras.joined(separator: ";")),
            ])
        }
        return table.document
    }

    private static func localTime(_ instant: Date, _ zone: TimeZone) -> String {
        let c = LocalDate.calendar(zone).dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0,
                      c.minute ?? 0, c.second ?? 0)
    }
}
