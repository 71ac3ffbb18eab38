import Foundation

/// A recurring unknown person: unknown tracks from any camera and site grouped by face.
public struct UnknownPerson: Sendable, Codable, Equatable {
    /// What an admin decided about the person.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Listed, gathering sightings.
        case active
        /// Hidden and never notified; still gathers sightings (so they do not form a new person).
        case dismissed
        /// Enrolled as a worker (`workerID`); no longer clustered.
        case enrolled
    }

    public var id: Int64
    public var status: Status
    public var workerID: Int64?
    /// Distinct tracks (passes in front of a camera).
    public var sightings: Int
    public var detections: Int
    public var firstSeen: Date
    public var lastSeen: Date
    public var sites: [String]
    public var cameras: [String]

    public init(id: Int64, status: Status, workerID: Int64?, sightings: Int, detections: Int, firstSeen: Date,
                lastSeen: Date, sites: [String], cameras: [String]) {
        self.id = id
        self.status = status
        self.workerID = workerID
        self.sightings = sightings
        self.detections = detections
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.sites = sites
        self.cameras = cameras
    }
}

/// One track of a recurring unknown person.
public struct UnknownSighting: Sendable, Codable, Equatable {
    public var personID: Int64
    public var siteID: String
    public var agentID: String
    public var trackID: String
    public var camera: String
    public var firstSeen: Date
    public var lastSeen: Date
    public var detections: Int

    public init(personID: Int64, siteID: String, agentID: String, trackID: String, camera: String, firstSeen: Date,
                lastSeen: Date, detections: Int) {
        self.personID = personID
        self.siteID = siteID
        self.agentID = agentID
        self.trackID = trackID
        self.camera = camera
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.detections = detections
    }

    /// The track's name across sites and agents.
    public var track: TrackRef { TrackRef(siteID: siteID, agentID: agentID, trackID: trackID) }
}

/// A track named across sites and agents.
public struct TrackRef: Sendable, Codable, Hashable {
    public var siteID: String
    public var agentID: String
    public var trackID: String

    public init(siteID: String, agentID: String, trackID: String) {
        self.siteID = siteID
        self.agentID = agentID
        self.trackID = trackID
    }
}
