// The rows the cloud stores, as value types shared by the store, the API and the dashboard.
import Foundation

/// A physical site with its own agents and emotion policy.
public struct Site: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// Whether emotion is estimated for faces seen at this site.
    public var emotionEnabled: Bool
    public var createdAt: Date

    public init(id: String, name: String, emotionEnabled: Bool, createdAt: Date = Date()) {
        self.id = id
        self.name = name
        self.emotionEnabled = emotionEnabled
        self.createdAt = createdAt
    }
}

/// An edge agent as last reported. An agent is named by its site and its id together (as in its certificate
/// and its topics): `beta/door-1` and `alpha/door-1` are two agents.
public struct AgentRecord: Codable, Sendable, Equatable {
    public var id: String
    public var siteID: String
    public var lastSeen: Date
    /// "online", "offline" (last will) or what the agent reported.
    public var status: String
    public var framesPerSecond: Double
    public var outboxDepth: Int
    /// The last gallery version this agent acknowledged.
    public var galleryVersionAcked: Int?
    public var galleryAckedAt: Date?
    /// Messages the agent's outbox dropped since it started (its last heartbeat's count).
    public var outboxDropped: Int

    public init(id: String, siteID: String, lastSeen: Date, status: String, framesPerSecond: Double = 0,
                outboxDepth: Int = 0, galleryVersionAcked: Int? = nil, galleryAckedAt: Date? = nil,
                outboxDropped: Int = 0) {
        self.id = id
        self.siteID = siteID
        self.lastSeen = lastSeen
        self.status = status
        self.framesPerSecond = framesPerSecond
        self.outboxDepth = outboxDepth
        self.galleryVersionAcked = galleryVersionAcked
        self.galleryAckedAt = galleryAckedAt
        self.outboxDropped = outboxDropped
    }

    /// The agent's name across sites: `site/agent`.
    public var qualifiedID: String { "\(siteID)/\(id)" }
}

/// An enrolled worker.
public struct Worker: Codable, Sendable, Equatable {
    public var id: Int64?
    public var name: String
    public var createdAt: Date

    public init(id: Int64? = nil, name: String, createdAt: Date = Date()) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// An enrollment photo of a worker with the embedding computed from it.
public struct EnrollmentPhoto: Codable, Sendable, Equatable {
    public var id: Int64?
    public var workerID: Int64
    /// Path of the photo file, relative to the photos folder.
    public var file: String
    /// The face embedding, float32 little-endian.
    public var embedding: Data
    /// Face quality in 0…1 (size and sharpness).
    public var quality: Double
    public var createdAt: Date

    public init(id: Int64? = nil, workerID: Int64, file: String, embedding: [Float], quality: Double,
                createdAt: Date = Date()) {
        self.id = id
        self.workerID = workerID
        self.file = file
        self.embedding = EmbeddingCoding.encode(embedding)
        self.quality = quality
        self.createdAt = createdAt
    }

    /// The decoded embedding.
    public var vector: [Float] { EmbeddingCoding.decode(embedding) }
}

/// One published gallery version.
public struct GalleryVersion: Codable, Sendable, Equatable {
    public var version: Int
    public var createdAt: Date
    public var workerCount: Int
    /// Why it was made ("worker 3 enrolled", "worker 3 deleted").
    public var reason: String
    /// The token name (or "system") that caused it.
    public var actor: String
    /// The signed snapshot bytes as published.
    public var snapshot: Data
    /// When the broker acknowledged it (or a newer version) for every site; nil until then.
    public var publishedAt: Date?

    public init(version: Int, createdAt: Date = Date(), workerCount: Int, reason: String, actor: String,
                snapshot: Data, publishedAt: Date? = nil) {
        self.version = version
        self.createdAt = createdAt
        self.workerCount = workerCount
        self.reason = reason
        self.actor = actor
        self.snapshot = snapshot
        self.publishedAt = publishedAt
    }
}

/// The live-feed payload of a new gallery version.
public struct GalleryEvent: Codable, Sendable, Equatable {
    public var version: Int
    public var workerCount: Int
    public var reason: String

    public init(version: Int, workerCount: Int, reason: String) {
        self.version = version
        self.workerCount = workerCount
        self.reason = reason
    }
}

/// An agent's acknowledgement of a gallery version.
public struct GalleryAck: Codable, Sendable, Equatable {
    public var version: Int
    public var siteID: String
    public var agentID: String
    public var ackedAt: Date
}

/// One recognition decision about one crop of one track.
public struct Detection: Codable, Sendable, Equatable {
    public var id: Int64?
    /// When the agent saw the face.
    public var time: Date
    public var siteID: String
    public var agentID: String
    public var camera: String
    public var trackID: String
    /// The matched worker, or nil for an unknown face.
    public var workerID: Int64?
    /// Embedding distance to the matched (or nearest) centroid; nil when the gallery is empty.
    public var distance: Double?
    /// The track's emotion after this crop, smoothed over its crops: a class name or "uncertain"; nil when
    /// the site's policy turns emotion off or no image was sent (privacy mode).
    public var emotion: String?
    /// The smoothed probability of the track's top class.
    public var emotionScore: Double?
    /// Crop quality reported by the agent (0…1).
    public var quality: Double
    /// Path of the crop file relative to the crops folder, nil once retention removed it (or when `privacy`).
    public var cropFile: String?
    /// When the cloud stored the decision.
    public var storedAt: Date
    /// The agent ran in privacy mode: it sent only an embedding, so no crop exists and no emotion is estimated.
    public var privacy: Bool
    /// This crop's own emotion estimate (class name and probability) before smoothing, kept for audits of the
    /// smoothing; nil when `emotion` is.
    public var cropEmotion: String?
    public var cropEmotionScore: Double?
    /// The agent's message id of the crop (nil when it did not come over MQTT). With the site and agent it is
    /// unique: a message delivered again is stored once.
    public var messageID: UUID?
    /// The agent's own decision for this face (edge-match and privacy modes), as it sent it: the worker (nil:
    /// unknown), the distance and the gallery version it decided against; nil when the agent did not decide.
    public var edgeWorkerID: Int64?
    public var edgeDistance: Double?
    public var edgeGalleryVersion: Int?
    /// How the agent's decision compares with the cloud's own decision for this face (not the track's).
    public var edgeAgreement: EdgeAgreement?

    public init(id: Int64? = nil, time: Date, siteID: String, agentID: String, camera: String, trackID: String,
                workerID: Int64?, distance: Double?, emotion: String?, emotionScore: Double?, quality: Double,
                cropFile: String?, storedAt: Date = Date(), privacy: Bool = false, cropEmotion: String? = nil,
                cropEmotionScore: Double? = nil, messageID: UUID? = nil, edgeWorkerID: Int64? = nil,
                edgeDistance: Double? = nil, edgeGalleryVersion: Int? = nil, edgeAgreement: EdgeAgreement? = nil) {
        self.id = id
        self.time = time
        self.siteID = siteID
        self.agentID = agentID
        self.camera = camera
        self.trackID = trackID
        self.workerID = workerID
        self.distance = distance
        self.emotion = emotion
        self.emotionScore = emotionScore
        self.quality = quality
        self.cropFile = cropFile
        self.storedAt = storedAt
        self.privacy = privacy
        self.cropEmotion = cropEmotion
        self.cropEmotionScore = cropEmotionScore
        self.messageID = messageID
        self.edgeWorkerID = edgeWorkerID
        self.edgeDistance = edgeDistance
        self.edgeGalleryVersion = edgeGalleryVersion
        self.edgeAgreement = edgeAgreement
    }
}

/// How an agent's own decision for a face compares with the cloud's decision for the same face.
public enum EdgeAgreement: String, Codable, Sendable, CaseIterable {
    /// The same worker, or unknown on both sides.
    case agree
    /// Different workers, or a worker on one side and unknown on the other, with the same gallery version.
    case disagree
    /// The agent decided against another gallery version than the cloud's: not comparable.
    case otherGallery = "other_gallery"
}

/// An API token; only the SHA-256 of its secret is stored.
public struct APIToken: Codable, Sendable, Equatable {
    public var id: Int64?
    public var name: String
    public var role: Role
    /// Hex SHA-256 of the token secret.
    public var secretHash: String
    public var createdAt: Date
    public var revokedAt: Date?
    /// After this instant the token is refused (nil: never expires). See `TokenStore`.
    public var expiresAt: Date? = nil
    /// When the token last authenticated a request (updated at most once a minute).
    public var lastUsedAt: Date? = nil
}

/// What a token may do.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Read and write.
    case admin
    /// Read only.
    case viewer
}

/// One audited action.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var id: Int64?
    public var time: Date
    /// Token name, or "system".
    public var actor: String
    /// What was done ("worker.create", "worker.delete", "token.create"…).
    public var action: String
    /// What it was done to ("worker:3").
    public var subject: String
    /// Free-form details (JSON text).
    public var detail: String

    public init(id: Int64? = nil, time: Date = Date(), actor: String, action: String, subject: String,
                detail: String = "{}") {
        self.id = id
        self.time = time
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}

/// Float vectors as little-endian float32 bytes.
public enum EmbeddingCoding {
    public static func encode(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    public static func decode(_ data: Data) -> [Float] {
        let bytes = [UInt8](data)
        var vector = [Float]()
        vector.reserveCapacity(bytes.count / 4)
        var index = 0
        while index + 4 <= bytes.count {
            let bits = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16
                | UInt32(bytes[index + 3]) << 24
            vector.append(Float(bitPattern: bits))
            index += 4
        }
        return vector
    }
}
