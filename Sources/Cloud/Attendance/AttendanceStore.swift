import Foundation

/// What attendance reads from the stored detections (SQLite and PostgreSQL).
public protocol AttendanceStore: Sendable {
    /// Every recognised detection in `instants` (start inclusive, end exclusive), optionally of one site and one
    /// worker, as sightings (the track named `agentID/trackID`).
    func attendanceSightings(in instants: DateInterval, siteID: String?,
                             workerID: Int64?) async throws(CloudError) -> [AttendanceSighting]
}
