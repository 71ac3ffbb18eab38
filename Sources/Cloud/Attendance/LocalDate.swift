// A calendar day as people at a site name it ("2024-03-10"), and the instants it spans in a time zone.
import Foundation

/// A day of the Gregorian calendar, without a time zone. Orders by date; prints as YYYY-MM-DD.
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The date `year`-`month`-`day`, or an error when no such day exists (2023-02-29, month 13…).
    public init(year: Int, month: Int, day: Int) throws(CloudError) {
        guard (1 ... 9999).contains(year), (1 ... 12).contains(month), (1 ... 31).contains(day),
              day <= Self.days(inMonth: month, year: year) else {
            throw CloudError(.badRequest, "\(year)-\(month)-\(day) is not a calendar date")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init(parsing text: String) throws(CloudError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
            throw CloudError(.badRequest, "'\(text.prefix(40))' is not a date in the form YYYY-MM-DD")
        }
        try self.init(year: y, month: m, day: d)
    }

    /// The local day of `instant` in `timeZone`.
    public init(_ instant: Date, in timeZone: TimeZone) {
        let parts = Self.calendar(timeZone).dateComponents([.year, .month, .day], from: instant)
        year = parts.year ?? 1970
        month = parts.month ?? 1
        day = parts.day ?? 1
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// The instants of this day in `timeZone`: from its first instant up to (excluding) the next day's — 23 or
    /// 25 hours on a daylight-saving change.
    public func interval(in timeZone: TimeZone) -> DateInterval {
        let start = firstInstant(in: timeZone)
        return DateInterval(start: start, end: adding(days: 1).firstInstant(in: timeZone))
    }

    /// The day `n` days later (earlier when negative).
    public func adding(days n: Int) -> LocalDate {
        let utc = Self.calendar(Self.utc)
        let noon = utc.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) ?? Date(timeIntervalSince1970: 0)
        return LocalDate(noon.addingTimeInterval(Double(n) * 86400), in: Self.utc)
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: LocalDate) -> Int {
        let utc = Self.calendar(Self.utc)
        let a = utc.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) ?? Date(timeIntervalSince1970: 0)
        let b = utc.date(from: DateComponents(year: other.year, month: other.month, day: other.day, hour: 12)) ?? a
        return Int((b.timeIntervalSince(a) / 86400).rounded())
    }

    /// The first instant of the day in `timeZone` (midnight, or the first time after a gap at midnight).
    private func firstInstant(in timeZone: TimeZone) -> Date {
        let calendar = Self.calendar(timeZone)
        let noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) ?? Date(timeIntervalSince1970: 0)
        return calendar.startOfDay(for: noon)
    }

    static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    private static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
