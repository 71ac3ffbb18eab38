// What the agent says over MQTT, before encoding: the pipeline produces these events and an
// `AgentMessageEncoding` (Wire's formats and topic tree) turns them into topic + bytes.
import FaceDetection
import FaceRecognition
import Foundation
import Imaging

/// A message ready for the outbox.
public struct OutgoingMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var retain: Bool

    public init(topic: String, payload: [UInt8], retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.retain = retain
    }
}

/// One face to send: its metadata, either the JPEG crop or (privacy mode) only its embedding, and the agent's own
/// decision when it matches locally.
public struct FaceEvent: Sendable {
    public enum Content: Sendable, Equatable {
        /// The crop as JPEG and the region of the frame it shows (frame pixels).
        case jpeg([UInt8], region: Rect)
        case embedding(modelID: String, values: [Float])
    }

    /// Unique per message: the consumer drops QoS 1 redeliveries (and post-crash resends) by it.
    public var messageID: UUID
    public var camera: String
    public var trackID: UInt64
    public var frameTime: Date
    public var frameWidth: Int
    public var frameHeight: Int
    /// The face in the pixels of what `content` carries: the JPEG's for a crop, the frame's for an embedding.
    public var face: DetectedFace
    public var quality: Float
    public var reason: CropReason
    public var content: Content
    /// The local decision for this face (edge-match and privacy modes): what the face message carries.
    public var edge: EdgeMatch?
    /// The track's decision once this face joined its evidence (its crops fused by quality, as the cloud fuses
    /// a track); stays on the agent (what `eval video` reports per track).
    public var trackDecision: MatchDecision? = nil
}

/// One camera's figures for a heartbeat.
public struct CameraStatus: Sendable, Equatable {
    public var id: String
    public var framesPerSecond: Double
    public var framesCaptured: Int
    public var framesDropped: Int
    /// Face messages queued for publication (the heartbeat's `facesPublished`).
    public var facesQueued: Int
    public var online: Bool
}

/// The heartbeat's content.
public struct StatusReport: Sendable, Equatable {
    public var sentAt: Date
    public var agentVersion: String
    public var mode: AgentConfig.Mode
    public var uptimeSeconds: Double
    public var cameras: [CameraStatus]
    public var outbox: Outbox.Stats
    public var galleryVersion: UInt64
}

/// Encodes the agent's messages into Wire's formats and topics.
public protocol AgentMessageEncoding: Sendable {
    func face(_ event: FaceEvent) throws -> OutgoingMessage
    /// A track that never passed the crop gate (Wire's image-free `FaceSighting`).
    func sighting(_ event: SightingEvent) throws -> OutgoingMessage
    func status(_ report: StatusReport) throws -> OutgoingMessage
    /// The retained availability message (`online: false` is the last will).
    func availability(online: Bool, since: Date) throws -> OutgoingMessage
    func galleryAck(_ outcome: GalleryOutcome) throws -> OutgoingMessage
    /// The topic the site's gallery arrives on.
    var galleryTopic: String { get }
}
