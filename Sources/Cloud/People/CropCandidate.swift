import Foundation

/// A stored crop of an unknown person's sighting, as a candidate to show or to enroll from.
public struct CropCandidate: Sendable, Equatable, Codable {
    public var detectionID: Int64
    /// The track it belongs to (`agentID/trackID`).
    public var track: String
    /// The crop file, relative to the crops folder.
    public var cropFile: String
    /// Face quality, 0…1 (the agent's size and sharpness score times the cloud's).
    public var quality: Double
    public var time: Date

    public init(detectionID: Int64, track: String, cropFile: String, quality: Double, time: Date) {
        self.detectionID = detectionID
        self.track = track
        self.cropFile = cropFile
        self.quality = quality
        self.time = time
    }
}
