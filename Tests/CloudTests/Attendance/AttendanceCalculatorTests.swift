import Cloud
import Foundation
import Testing

/// Attendance on a fixed clock around a time zone boundary and a day change: the same UTC instants fall on
/// different local days at sites in New York (UTC−5, daylight saving from 2024-03-10 02:00) and Tokyo (UTC+9).
@Suite struct AttendanceCalculatorTests {
    static func utc(_ text: String) -> Date {
        (try? Date(text, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
    }

    let calculator = AttendanceCalculator(timeZones: [
        "ny": (try? SiteTimeZone("America/New_York")) ?? .utc,
        "tokyo": (try? SiteTimeZone("Asia/Tokyo")) ?? .utc,
    ])

    func sighting(_ worker: Int64, _ site: String, _ camera: String, _ track: String, _ time: String) -> AttendanceSighting {
        AttendanceSighting(workerID: worker, siteID: site, camera: camera, track: track, time: Self.utc(time))
    }

    @Test func eachSightingCountsOnItsSitesLocalDay() throws {
        let sightings = [
            // New York, 2024-03-09 23:30 local and 2024-03-10 00:30 local: one UTC day, two local days.
            sighting(1, "ny", "door", "a/1", "2024-03-10T04:30:00Z"),
            sighting(1, "ny", "door", "a/2", "2024-03-10T05:30:00Z"),
            // The same worker later that local day, after the clocks moved forward (03:30 EDT = 07:30 UTC).
            sighting(1, "ny", "yard", "a/3", "2024-03-10T07:30:00Z"),
            sighting(1, "ny", "yard", "a/3", "2024-03-10T07:31:00Z"),
            // Tokyo, one second either side of local midnight (15:00 UTC).
            sighting(2, "tokyo", "gate", "b/1", "2024-03-10T14:59:59Z"),
            sighting(2, "tokyo", "gate", "b/2", "2024-03-10T15:00:00Z"),
            // A site with no zone counts in UTC.
            sighting(3, "elsewhere", "cam", "c/1", "2024-03-10T23:59:59Z"),
        ]
        let days = calculator.days(sightings.reversed())
        #expect(days.map { "\($0.date) \($0.siteID) \($0.workerID)" } == [
            "2024-03-09 ny 1", "2024-03-10 elsewhere 3", "2024-03-10 ny 1", "2024-03-10 tokyo 2", "2024-03-11 tokyo 2",
        ])
        let nyTenth = try #require(days.first { $0.siteID == "ny" && $0.date.description == "2024-03-10" })
        #expect(nyTenth.firstSeen == Self.utc("2024-03-10T05:30:00Z"))
        #expect(nyTenth.lastSeen == Self.utc("2024-03-10T07:31:00Z"))
        // Two tracks (a/2, a/3); a/3's two detections are one sighting.
        #expect(nyTenth.sightings == 2)
        #expect(nyTenth.cameras == ["door", "yard"])
        #expect(nyTenth.timeZone == "America/New_York")
        #expect(days.first { $0.siteID == "elsewhere" }?.timeZone == "UTC")
    }

    @Test func aRangeKeepsOnlyItsLocalDays() throws {
        let range = try AttendanceRange(from: LocalDate(parsing: "2024-03-10"), through: LocalDate(parsing: "2024-03-10"))
        let days = calculator.days([
            sighting(2, "tokyo", "gate", "b/1", "2024-03-10T14:59:59Z"),
            sighting(2, "tokyo", "gate", "b/2", "2024-03-10T15:00:00Z"),
        ], in: range)
        #expect(days.map(\.date.description) == ["2024-03-10"])
        // The instants to fetch cover the day in every zone: from Tokyo's midnight to New York's next midnight.
        let zones = [TimeZone(identifier: "Asia/Tokyo"), TimeZone(identifier: "America/New_York")].compactMap { $0 }
        let span = range.instants(in: zones)
        #expect(span.start == Self.utc("2024-03-09T15:00:00Z"))
        #expect(span.end == Self.utc("2024-03-11T04:00:00Z"))
    }

    @Test func rangesOverAYearOrBackwardsAreRefused() throws {
        let start = try LocalDate(parsing: "2024-01-01")
        #expect(try AttendanceRange(from: start, through: start.adding(days: 365)).days == 366)
        #expect(throws: CloudError.self) { try AttendanceRange(from: start, through: start.adding(days: 366)) }
        #expect(throws: CloudError.self) { try AttendanceRange(from: start, through: start.adding(days: -1)) }
        do {
            _ = try AttendanceRange(from: start, through: start.adding(days: 400))
        } catch {
            #expect(error.code == .badRequest)
            #expect(error.detail.contains("401 days"))
        }
    }
}
