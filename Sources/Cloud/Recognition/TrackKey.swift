// The cloud's name for a track: where it was seen and the agent's number for it.

/// A track's key for track fusion and emotion smoothing: site, agent, camera and the agent's track id (agents
/// number tracks per run and camera).
public struct TrackKey: Hashable, Sendable, Codable {
    public var siteID: String
    public var agentID: String
    public var camera: String
    public var trackID: String

    public init(siteID: String, agentID: String, camera: String, trackID: String) {
        self.siteID = siteID
        self.agentID = agentID
        self.camera = camera
        self.trackID = trackID
    }
}
