import Foundation

/// A face an agent followed but never sent: every detection of its track stayed below the crop gate (too small
/// to recognise, or too poor), so no crop — and no image of any kind — leaves the site. The cloud counts these
/// per camera, so that people too far from a camera are still seen to have been there. Published once per such
/// track, when it ends, on `Topic.sightings(site:agent:camera:)` with QoS 1.
public struct FaceSighting: WireMessage, Equatable {
    /// Why the track's faces were not sent.
    public enum Reason: UInt8, Sendable, CaseIterable {
        /// The face never reached the smallest size the agent sends (`detection.min_face_pixels`).
        case tooSmall = 0
        /// Large enough, but never of the quality the crop gate asks (blurred, in profile…).
        case lowQuality = 1
    }

    /// Unique per message; consumers drop duplicates (QoS 1 redelivery) by it.
    public var messageID: UUID
    /// The camera's id (also in the topic).
    public var camera: String
    /// The agent's track id.
    public var trackID: UInt64
    /// When the face was first and last detected.
    public var firstSeen: Date
    public var lastSeen: Date
    /// Frames in which the face was detected.
    public var detections: UInt32
    /// The largest face box's shorter side over the track, in frame pixels.
    public var largestFacePixels: Float
    /// Source frame size in pixels.
    public var frameWidth: UInt16
    public var frameHeight: UInt16
    public var reason: Reason

    /// Creates a sighting.
    public init(messageID: UUID = UUID(), camera: String, trackID: UInt64, firstSeen: Date, lastSeen: Date,
                detections: UInt32, largestFacePixels: Float, frameWidth: UInt16, frameHeight: UInt16, reason: Reason) {
        self.messageID = messageID
        self.camera = camera
        self.trackID = trackID
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.detections = detections
        self.largestFacePixels = largestFacePixels
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
        self.reason = reason
    }

    public static let kinds: Set<MessageKind> = [.faceSighting]
    public var kind: MessageKind { .faceSighting }

    public func validate() throws {
        try WireIdentifier.validate(camera, field: "sighting.camera")
        try Check.date(firstSeen, field: "sighting.firstSeen")
        try Check.date(lastSeen, field: "sighting.lastSeen")
        guard lastSeen >= firstSeen else {
            throw WireError(.invalidValue, field: "sighting.lastSeen", detail: "\(lastSeen) is before firstSeen \(firstSeen)")
        }
        guard detections > 0 else { throw WireError(.invalidValue, field: "sighting.detections", detail: "no detections") }
        try Check.finite(largestFacePixels, field: "sighting.largestFacePixels", in: 0...65_536)
        guard frameWidth > 0, frameHeight > 0 else {
            throw WireError(.invalidValue, field: "sighting.frameSize", detail: "\(frameWidth)x\(frameHeight) is empty")
        }
    }

    public func encodeBody(into writer: inout WireWriter) {
        writer.write(messageID)
        writer.writeShortString(camera)
        writer.write(trackID)
        writer.write(firstSeen)
        writer.write(lastSeen)
        writer.write(detections)
        writer.write(largestFacePixels)
        writer.write(frameWidth)
        writer.write(frameHeight)
        writer.write(reason.rawValue)
    }

    public init(body reader: inout WireReader, kind: MessageKind) throws {
        messageID = try reader.readUUID("sighting.messageID")
        camera = try reader.readIdentifier("sighting.camera")
        trackID = try reader.readUInt64("sighting.trackID")
        firstSeen = try reader.readDate("sighting.firstSeen")
        lastSeen = try reader.readDate("sighting.lastSeen")
        guard lastSeen >= firstSeen else {
            throw WireError(.invalidValue, field: "sighting.lastSeen", detail: "\(lastSeen) is before firstSeen \(firstSeen)")
        }
        detections = try reader.readUInt32("sighting.detections")
        guard detections > 0 else { throw WireError(.invalidValue, field: "sighting.detections", detail: "no detections") }
        largestFacePixels = try reader.readFloat("sighting.largestFacePixels", in: 0...65_536)
        frameWidth = try reader.readUInt16("sighting.frameWidth")
        frameHeight = try reader.readUInt16("sighting.frameHeight")
        guard frameWidth > 0, frameHeight > 0 else {
            throw WireError(.invalidValue, field: "sighting.frameSize", detail: "\(frameWidth)x\(frameHeight) is empty")
        }
        let raw = try reader.readUInt8("sighting.reason")
        guard let reason = Reason(rawValue: raw) else {
            throw WireError(.invalidValue, field: "sighting.reason", detail: "reason \(raw) is not one of 0...1")
        }
        self.reason = reason
    }
}
