// What the agent says over MQTT, before encoding: the pipeline produces these events and an
// `AgentMessageEncoding` (Wire's formats and topic tree) turns them into topic + bytes.
import FaceDetection
import Foundation

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

/// One face to send: its metadata and either the JPEG crop or (privacy mode) only its embedding.
public struct FaceEvent: Sendable {
    public enum Content: Sendable, Equatable {
        case jpeg([UInt8])
        case embedding(modelID: String, values: [Float])
    }

    /// Unique per message: the consumer drops QoS 1 redeliveries (and post-crash resends) by it.
    public var messageID: UUID
    public var camera: String
    public var trackID: UInt64
    public var frameTime: Date
    public var frameWidth: Int
    public var frameHeight: Int
    public var face: DetectedFace
    public var quality: Float
    public var reason: CropReason
    public var content: Content
}

/// A local recognition decision (edge-match and privacy modes).
public struct EdgeResultEvent: Sendable, Equatable {
    public var messageID: UUID
    /// The face message the decision belongs to.
    public var faceMessageID: UUID
    public var camera: String
    public var trackID: UInt64
    public var frameTime: Date
    public var match: EdgeMatch
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
    func result(_ event: EdgeResultEvent) throws -> OutgoingMessage
    /// A track that never passed the crop gate (Wire's image-free `FaceSighting`).
    func sighting(_ event: SightingEvent) throws -> OutgoingMessage
    func status(_ report: StatusReport) throws -> OutgoingMessage
    /// The retained availability message (`online: false` is the last will).
    func availability(online: Bool, since: Date) throws -> OutgoingMessage
    func galleryAck(_ outcome: GalleryOutcome) throws -> OutgoingMessage
    /// The topic the site's gallery arrives on.
    var galleryTopic: String { get }
}
