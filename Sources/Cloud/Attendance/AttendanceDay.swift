import Foundation

/// One worker's presence at one site on one local day of that site.
public struct AttendanceDay: Sendable, Equatable, Codable {
    public var workerID: Int64
    public var siteID: String
    /// The site's local day.
    public var date: LocalDate
    /// The site's time zone the day is counted in.
    public var timeZone: String
    public var firstSeen: Date
    public var lastSeen: Date
    /// Distinct tracks (passes in front of a camera) of the worker that day.
    public var sightings: Int
    /// The cameras that saw the worker, sorted.
    public var cameras: [String]

    public init(workerID: Int64, siteID: String, date: LocalDate, timeZone: String, firstSeen: Date, lastSeen: Date,
                sightings: Int, cameras: [String]) {
        self.workerID = workerID
        self.siteID = siteID
        self.date = date
        self.timeZone = timeZone
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.sightings = sightings
        self.cameras = cameras
    }
}
