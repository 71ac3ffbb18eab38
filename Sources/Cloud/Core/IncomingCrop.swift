// A face crop as it arrives from an agent, after the wire message was decoded and validated.
import Foundation

/// One face crop sent by an agent.
public struct IncomingCrop: Sendable, Equatable {
    /// The wire message's id (results refer to it), when the crop came over MQTT.
    public var messageID: UUID?
    public var siteID: String
    public var agentID: String
    public var camera: String
    public var trackID: String
    /// When the agent captured the frame.
    public var frameTime: Date
    /// The crop as JPEG (or PNG) bytes.
    public var image: [UInt8]
    /// The agent's quality estimate for this crop (0…1).
    public var quality: Double
    /// The detector's score on the agent.
    public var detectionScore: Double

    public init(messageID: UUID? = nil, siteID: String, agentID: String, camera: String, trackID: String,
                frameTime: Date, image: [UInt8], quality: Double, detectionScore: Double) {
        self.messageID = messageID
        self.siteID = siteID
        self.agentID = agentID
        self.camera = camera
        self.trackID = trackID
        self.frameTime = frameTime
        self.image = image
        self.quality = quality
        self.detectionScore = detectionScore
    }
}

/// One face found by `POST /recognize`.
public struct RecognizedFace: Sendable, Codable, Equatable {
    public struct Box: Sendable, Codable, Equatable {
        public var x: Double, y: Double, width: Double, height: Double
    }

    public var box: Box
    public var detectionScore: Double
    public var workerID: Int64?
    public var workerName: String?
    /// Distance to the nearest centroid (nil when nobody is enrolled).
    public var distance: Double?
    public var emotion: EmotionEstimate?
}
