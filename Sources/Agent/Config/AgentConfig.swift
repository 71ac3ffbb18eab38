// The agent's typed configuration: what `config/agent.yaml` says, after validation.
// Parsing lives in `AgentConfig+Parsing.swift`; nothing here touches the network or resolves models.
import Foundation

/// The whole configuration of one edge agent.
public struct AgentConfig: Sendable, Equatable {
    /// What leaves the site.
    public enum Mode: String, Sendable, CaseIterable {
        /// Face crops go to the cloud, which embeds and matches them (the default).
        case cloudMatch = "cloud-match"
        /// Crops go to the cloud, and the agent also embeds and matches locally against its cached gallery,
        /// publishing results even while the cloud is unreachable.
        case edgeMatch = "edge-match"
        /// No image leaves the site: the agent embeds and matches locally and publishes only embeddings and
        /// results.
        case privacy
    }

    /// The site this agent belongs to (topic segment).
    public var site: String
    /// This agent's id within the site (topic segment; the broker checks it against the certificate).
    public var agentID: String
    /// What leaves the site.
    public var mode: Mode
    /// The MQTT broker and this agent's TLS identity.
    public var broker: BrokerConfig
    /// The cameras this agent reads (at least one).
    public var cameras: [CameraConfig]
    /// Detector thresholds.
    public var detection: DetectionConfig
    /// Track association.
    public var tracking: TrackingConfig
    /// Crop quality gate, publication cadence and crop geometry.
    public var crops: CropConfig
    /// The disk outbox.
    public var outbox: OutboxConfig
    /// The gallery cache and local matching.
    public var gallery: GalleryConfig
    /// Heartbeat and metrics.
    public var status: StatusConfig
}

/// Where the broker is and how this agent proves who it is.
public struct BrokerConfig: Sendable, Equatable {
    /// Broker host name or address.
    public var host: String
    /// Broker TLS port (default 8883).
    public var port: Int
    /// CA certificate (PEM) that signed the broker's certificate.
    public var caFile: String
    /// This agent's certificate (PEM).
    public var certFile: String
    /// This agent's private key (PEM).
    public var keyFile: String
    /// MQTT keep-alive in seconds.
    public var keepAliveSeconds: Int
}

/// One camera: where its frames come from and how they are processed.
public struct CameraConfig: Sendable, Equatable {
    /// Where frames come from.
    public enum Source: Sendable, Equatable {
        /// A V4L2 device, e.g. `/dev/video0`.
        case v4l2(device: String)
        /// A folder of JPEG/PNG images played in name order.
        case folder(path: String, loop: Bool)
        /// A file of concatenated JPEG frames.
        case mjpeg(path: String, loop: Bool)
    }

    /// BlazeFace variant: short range (faces within ~2 m), full range (up to ~5 m), or both over scales and tiles
    /// (`auto`: every face from 40 px up in a 640×360 frame; `MultiScaleFaceDetector`).
    public enum DetectorRange: String, Sendable, CaseIterable {
        case short
        case full
        case auto
    }

    /// Camera id, unique within the agent (topic segment).
    public var id: String
    /// Where frames come from.
    public var source: Source
    /// Requested frame width in pixels.
    public var width: Int
    /// Requested frame height in pixels.
    public var height: Int
    /// Requested frames per second (1...60).
    public var rate: Int
    /// Which BlazeFace model this camera uses.
    public var detector: DetectorRange
    /// Frames waiting for detection before the oldest are dropped (and counted).
    public var queueDepth: Int
}

/// Detector thresholds.
public struct DetectionConfig: Sendable, Equatable {
    /// Detections below this score are ignored.
    public var minScore: Float
    /// Faces whose box is smaller than this many pixels (shorter side) are ignored.
    public var minFacePixels: Int
}

/// Track association.
public struct TrackingConfig: Sendable, Equatable {
    /// A detection continues a track when its box overlaps the track's predicted box by at least this IoU (it
    /// may also continue it by falling where the track's motion predicts it).
    public var iouThreshold: Float
    /// A track ends after its face has been missing for longer than this many seconds.
    public var maxGapSeconds: Double = 1.0
    /// … or, when set, after this many consecutive frames without its face.
    public var maxMissedFrames: Int?

    public init(iouThreshold: Float, maxGapSeconds: Double = 1.0, maxMissedFrames: Int? = nil) {
        self.iouThreshold = iouThreshold
        self.maxGapSeconds = maxGapSeconds
        self.maxMissedFrames = maxMissedFrames
    }
}

/// Crop quality gate, publication cadence and crop geometry.
public struct CropConfig: Sendable, Equatable {
    /// A track's first crop is published once a crop reaches this quality (0...1).
    public var minQuality: Float
    /// After the first crop, an improved crop is published at most this often.
    public var improveIntervalSeconds: Double
    /// An improved crop must beat the best one published so far by at least this much quality.
    public var minImprovement: Float
    /// Margin added around the face box on every side, as a fraction of the box size.
    public var margin: Float
    /// The crop's shorter side is scaled up to at least this many pixels.
    public var minSizePixels: Int
    /// JPEG quality of published crops (1...100).
    public var jpegQuality: Int
}

/// The disk outbox.
public struct OutboxConfig: Sendable, Equatable {
    /// Folder that holds the outbox entries.
    public var path: String
    /// The outbox never holds more than this many bytes; the oldest entries are dropped (and counted).
    public var maxBytes: Int
}

/// The gallery cache and local matching.
public struct GalleryConfig: Sendable, Equatable {
    /// Folder that holds the latest verified gallery snapshot.
    public var path: String
    /// The cloud's Ed25519 public key (base64 of the 32 raw bytes) that every gallery must be signed with.
    /// Local matches (edge-match and privacy modes) use the match policy that arrives with the signed gallery,
    /// so the agent decides exactly as the cloud does.
    public var publicKey: String?
}

/// Heartbeat and metrics.
public struct StatusConfig: Sendable, Equatable {
    /// Seconds between heartbeats.
    public var heartbeatSeconds: Int
    /// Local port for Prometheus `/metrics`; nil disables it.
    public var metricsPort: Int?
    /// Address the metrics endpoint binds to (loopback by default).
    public var metricsAddress: String
}
