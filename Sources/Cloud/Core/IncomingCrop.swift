// A face as it arrives from an agent (crop or privacy-mode embedding), after the wire message was decoded and
// validated.
import Emotion
import FaceDetection
import Foundation
import Imaging
import Wire

/// One face sent by an agent: its crop, or (privacy mode) only the embedding the agent computed.
public struct IncomingCrop: Sendable, Equatable {
    /// What the agent sent besides the metadata.
    public enum Content: Sendable, Equatable {
        /// The crop as JPEG bytes and the face in its pixels (the agent's detection: the cloud aligns from it and
        /// never detects again on a crop).
        case image([UInt8], face: DetectedFace)
        /// Privacy mode: no image left the site, only the embedding of `modelID` (a `Backbone.modelID`).
        case embedding(modelID: String, values: [Float])
    }

    /// The wire message's id (results refer to it), when the crop came over MQTT.
    public var messageID: UUID?
    public var siteID: String
    public var agentID: String
    public var camera: String
    public var trackID: String
    /// When the agent captured the frame.
    public var frameTime: Date
    /// The crop or its embedding.
    public var content: Content
    /// The agent's quality estimate for this crop (0…1).
    public var quality: Double
    /// The detector's score on the agent.
    public var detectionScore: Double
    /// The agent's own decision for this face, when it matches locally (edge-match and privacy modes).
    public var edge: FaceCrop.EdgeDecision?

    public init(messageID: UUID? = nil, siteID: String, agentID: String, camera: String, trackID: String,
                frameTime: Date, content: Content, quality: Double, detectionScore: Double,
                edge: FaceCrop.EdgeDecision? = nil) {
        self.messageID = messageID
        self.siteID = siteID
        self.agentID = agentID
        self.camera = camera
        self.trackID = trackID
        self.frameTime = frameTime
        self.content = content
        self.quality = quality
        self.detectionScore = detectionScore
        self.edge = edge
    }

    /// A crop with an image and the face in it.
    public init(messageID: UUID? = nil, siteID: String, agentID: String, camera: String, trackID: String,
                frameTime: Date, image: [UInt8], face: DetectedFace, quality: Double, detectionScore: Double) {
        self.init(messageID: messageID, siteID: siteID, agentID: agentID, camera: camera, trackID: trackID,
                  frameTime: frameTime, content: .image(image, face: face), quality: quality,
                  detectionScore: detectionScore)
    }

    /// The crop's track, as track fusion and emotion smoothing key it.
    public var trackKey: TrackKey {
        TrackKey(siteID: siteID, agentID: agentID, camera: camera, trackID: trackID)
    }
}

/// One face found by `POST /recognize`.
public struct RecognizedFace: Sendable, Codable, Equatable {
    /// The face box in the uploaded image's pixels.
    public var box: Rect
    public var detectionScore: Double
    public var workerID: Int64?
    public var workerName: String?
    /// Distance to the nearest centroid (nil when nobody is enrolled).
    public var distance: Double?
    public var emotion: EmotionEstimate?
}
