// Attendance from sightings: per worker, per site, per local day of the site — first and last seen, distinct
// tracks and the cameras. Pure: the same sightings give the same days, whatever their order.
import Foundation

/// Folds sightings into attendance days, counting each day in its site's time zone.
public struct AttendanceCalculator: Sendable {
    /// Each site's time zone; a site not named here counts in UTC.
    public var timeZones: [String: SiteTimeZone]

    public init(timeZones: [String: SiteTimeZone]) {
        self.timeZones = timeZones
    }

    private struct Key: Hashable {
        var workerID: Int64
        var siteID: String
        var date: LocalDate
    }

    private struct Accumulator {
        var first: Date
        var last: Date
        var tracks: Set<String>
        var cameras: Set<String>
    }

    /// The attendance days of `sightings` that fall in `range` (all when nil), sorted by date, site and worker.
    public func days<S: Sequence>(_ sightings: S, in range: AttendanceRange? = nil) -> [AttendanceDay]
    where S.Element == AttendanceSighting {
        var table = [Key: Accumulator]()
        for s in sightings {
            let zone = timeZone(of: s.siteID)
            let key = Key(workerID: s.workerID, siteID: s.siteID, date: LocalDate(s.time, in: zone.timeZone))
            if let range, !range.contains(key.date) { continue }
            if var acc = table[key] {
                acc.first = min(acc.first, s.time)
                acc.last = max(acc.last, s.time)
                acc.tracks.insert(s.track)
                acc.cameras.insert(s.camera)
                table[key] = acc
            } else {
                table[key] = Accumulator(first: s.time, last: s.time, tracks: [s.track], cameras: [s.camera])
            }
        }
        return table.map { key, acc in
            AttendanceDay(workerID: key.workerID, siteID: key.siteID, date: key.date,
                          timeZone: timeZone(of: key.siteID).identifier, firstSeen: acc.first, lastSeen: acc.last,
                          sightings: acc.tracks.count, cameras: acc.cameras.sorted())
        }.sorted { a, b in
            (a.date, a.siteID, a.workerID) < (b.date, b.siteID, b.workerID)
        }
    }

    /// The zone of `siteID` (UTC when unknown).
    public func timeZone(of siteID: String) -> SiteTimeZone {
        timeZones[siteID] ?? .utc
    }
}
