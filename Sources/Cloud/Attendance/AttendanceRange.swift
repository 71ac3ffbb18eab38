import Foundation

/// Which local days an attendance query covers: `from` through `through`, both included, at most
/// `maximumDays` days (a year), so one request cannot ask the database for everything.
public struct AttendanceRange: Sendable, Equatable {
    /// The longest range one request may cover (a leap year).
    public static let maximumDays = 366

    public let from: LocalDate
    public let through: LocalDate

    /// The range, refused when it ends before it starts or spans more than `maximumDays` days.
    public init(from: LocalDate, through: LocalDate) throws(CloudError) {
        guard from <= through else {
            throw CloudError(.badRequest, "the range ends (\(through)) before it starts (\(from))", subject: "range")
        }
        let days = from.days(to: through) + 1
        guard days <= Self.maximumDays else {
            throw CloudError(.badRequest, "the range \(from)…\(through) covers \(days) days; at most \(Self.maximumDays) may be asked at once",
                             subject: "range")
        }
        self.from = from
        self.through = through
    }

    /// One day.
    public init(day: LocalDate) {
        from = day
        through = day
    }

    /// Whether `date` lies in the range.
    public func contains(_ date: LocalDate) -> Bool { from <= date && date <= through }

    /// The number of days covered.
    public var days: Int { from.days(to: through) + 1 }

    /// The instants that can fall on these local days in any of `zones` (to select detections by time before
    /// the local day of each is known).
    public func instants(in zones: [TimeZone]) -> DateInterval {
        let all = zones.isEmpty ? [TimeZone.gmt] : zones
        let start = all.map { from.interval(in: $0).start }.min() ?? Date(timeIntervalSince1970: 0)
        let end = all.map { through.interval(in: $0).end }.max() ?? start
        return DateInterval(start: start, end: end)
    }
}
