import Foundation
import RollcallCore

/// The cloud's recognition decision for one track: who it is (or unknown), how close, and the emotion where the
/// site's policy allows. Published on `Topic.results(site:)`. (Agents that match locally put their decision in
/// the face message itself, `FaceCrop.edge`.)
public struct RecognitionResult: WireMessage, Equatable {
    /// The seven FER emotion classes.
    public enum Emotion: UInt8, Sendable, CaseIterable {
        case angry = 0, disgust, fear, happy, sad, surprise, neutral
    }

    /// Unique per result.
    public var messageID: UUID
    /// The face message the decision was made on (its `FaceCrop.messageID`).
    public var cropMessageID: UUID
    /// Agent and camera the face came from.
    public var agent: String
    public var camera: String
    public var trackID: UInt64
    /// When the frame was captured and when the decision was made.
    public var frameTime: Date
    public var decidedAt: Date
    /// The matched worker's id, or nil for unknown.
    public var workerID: WorkerID?
    /// Embedding distance to the matched (or nearest) centroid; nil when no gallery entry exists.
    public var distance: Float?
    /// The emotion and its probability, when estimated.
    public var emotion: Emotion?
    public var emotionScore: Float?
    /// The gallery version matched against (0: none).
    public var galleryVersion: UInt64

    /// Creates a result.
    public init(messageID: UUID = UUID(), cropMessageID: UUID, agent: String, camera: String, trackID: UInt64,
                frameTime: Date, decidedAt: Date, workerID: WorkerID?, distance: Float?, emotion: Emotion? = nil,
                emotionScore: Float? = nil, galleryVersion: UInt64) {
        self.messageID = messageID
        self.cropMessageID = cropMessageID
        self.agent = agent
        self.camera = camera
        self.trackID = trackID
        self.frameTime = frameTime
        self.decidedAt = decidedAt
        self.workerID = workerID
        self.distance = distance
        self.emotion = emotion
        self.emotionScore = emotionScore
        self.galleryVersion = galleryVersion
    }

    public static let kinds: Set<MessageKind> = [.recognitionResult]
    public var kind: MessageKind { .recognitionResult }

    // Flag bits saying which optional fields follow.
    private static let hasWorker: UInt8 = 1, hasDistance: UInt8 = 2, hasEmotion: UInt8 = 4

    public func validate() throws {
        try WireIdentifier.validate(agent, field: "result.agent")
        try WireIdentifier.validate(camera, field: "result.camera")
        try Check.date(frameTime, field: "result.frameTime")
        try Check.date(decidedAt, field: "result.decidedAt")
        if let workerID { try FaceCrop.validate(worker: workerID, field: "result.workerID") }
        if let distance { try Check.finite(distance, field: "result.distance", in: 0...1_000) }
        if (emotion == nil) != (emotionScore == nil) {
            throw WireError(.invalidValue, field: "result.emotion", detail: "emotion and its score go together")
        }
        if let emotionScore { try Check.finite(emotionScore, field: "result.emotionScore", in: 0...1) }
    }

    public func encodeBody(into writer: inout WireWriter) {
        writer.write(messageID)
        writer.write(cropMessageID)
        writer.writeShortString(agent)
        writer.writeShortString(camera)
        writer.write(trackID)
        writer.write(frameTime)
        writer.write(decidedAt)
        var flags: UInt8 = 0
        if workerID != nil { flags |= Self.hasWorker }
        if distance != nil { flags |= Self.hasDistance }
        if emotion != nil { flags |= Self.hasEmotion }
        writer.write(flags)
        if let workerID { writer.write(workerID) }
        if let distance { writer.write(distance) }
        if let emotion, let emotionScore { writer.write(emotion.rawValue); writer.write(emotionScore) }
        writer.write(galleryVersion)
    }

    public init(body reader: inout WireReader, kind: MessageKind) throws {
        messageID = try reader.readUUID("result.messageID")
        cropMessageID = try reader.readUUID("result.cropMessageID")
        agent = try reader.readIdentifier("result.agent")
        camera = try reader.readIdentifier("result.camera")
        trackID = try reader.readUInt64("result.trackID")
        frameTime = try reader.readDate("result.frameTime")
        decidedAt = try reader.readDate("result.decidedAt")
        let flags = try reader.readUInt8("result.flags")
        guard flags & ~(Self.hasWorker | Self.hasDistance | Self.hasEmotion) == 0 else {
            throw WireError(.invalidValue, field: "result.flags", detail: "unknown flag bits in \(flags)")
        }
        if flags & Self.hasWorker != 0 {
            let id = try reader.readInt64("result.workerID")
            try FaceCrop.validate(worker: id, field: "result.workerID")
            workerID = id
        } else {
            workerID = nil
        }
        distance = flags & Self.hasDistance != 0 ? try reader.readFloat("result.distance", in: 0...1_000) : nil
        if flags & Self.hasEmotion != 0 {
            let raw = try reader.readUInt8("result.emotion")
            guard let value = Emotion(rawValue: raw) else {
                throw WireError(.invalidValue, field: "result.emotion", detail: "emotion \(raw) is not one of 0...6")
            }
            emotion = value
            emotionScore = try reader.readFloat("result.emotionScore", in: 0...1)
        } else {
            emotion = nil
            emotionScore = nil
        }
        galleryVersion = try reader.readUInt64("result.galleryVersion")
    }
}
