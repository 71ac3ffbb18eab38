import Foundation

/// One recognised face that counts towards attendance: a detection of a worker, reduced to what attendance
/// needs. Several detections of one track are one sighting.
public struct AttendanceSighting: Sendable, Equatable {
    public var workerID: Int64
    public var siteID: String
    public var camera: String
    /// The track the face belongs to, unique across agents (`agentID/trackID`).
    public var track: String
    /// When the agent saw the face.
    public var time: Date

    public init(workerID: Int64, siteID: String, camera: String, track: String, time: Date) {
        self.workerID = workerID
        self.siteID = siteID
        self.camera = camera
        self.track = track
        self.time = time
    }
}
