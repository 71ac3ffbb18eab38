// Faces an agent followed but could not send (too small or too poor for a crop): one row per such track,
// without any image; the dashboard and API count them per camera.
import Foundation

/// One image-free sighting as stored.
public struct FaceSightingRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    /// The agent's message id (a redelivered message is stored once per site and agent).
    public var messageID: String
    public var siteID: String
    public var agentID: String
    public var camera: String
    public var trackID: String
    public var firstSeen: Date
    public var lastSeen: Date
    public var detections: Int
    /// The largest face box's shorter side over the track, in frame pixels.
    public var largestFacePixels: Double
    /// `too_small` or `low_quality`.
    public var reason: String
    public var storedAt: Date

    public init(id: Int64? = nil, messageID: String, siteID: String, agentID: String, camera: String, trackID: String,
                firstSeen: Date, lastSeen: Date, detections: Int, largestFacePixels: Double, reason: String,
                storedAt: Date = Date()) {
        self.id = id
        self.messageID = messageID
        self.siteID = siteID
        self.agentID = agentID
        self.camera = camera
        self.trackID = trackID
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.detections = detections
        self.largestFacePixels = largestFacePixels
        self.reason = reason
        self.storedAt = storedAt
    }
}

/// Sightings of one camera for one reason since a given time.
public struct CameraSightings: Codable, Sendable, Equatable {
    public var siteID: String
    public var agentID: String
    public var camera: String
    /// `too_small` or `low_quality`.
    public var reason: String
    public var count: Int
    /// The latest `lastSeen` among them.
    public var lastSeen: Date
    /// The largest face among them (pixels).
    public var largestFacePixels: Double
}
