import Foundation

extension Aggregator {
    /// Attendance days in `range` (each site's local days), optionally of one site and one worker.
    public func attendance(range: AttendanceRange, siteID: String?, workerID: Int64?) async throws(CloudError) -> [AttendanceDay] {
        let zones = try await siteTimeZones()
        let involved = siteID.map { [zones[$0]?.timeZone ?? .gmt] } ?? (Array(zones.values.map(\.timeZone)) + [.gmt])
        let instants = range.instants(in: involved)
        let sightings = try await store.attendanceSightings(in: instants, siteID: siteID, workerID: workerID)
        return AttendanceCalculator(timeZones: zones).days(sightings, in: range)
    }
}
