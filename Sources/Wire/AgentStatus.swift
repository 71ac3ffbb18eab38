import Foundation

/// An agent's heartbeat, every N seconds on `Topic.status(site:agent:)`: per-camera rates and drops, outbox
/// depth and age, gallery version, software version.
public struct AgentStatus: WireMessage, Equatable {
    /// How the agent runs.
    public enum Mode: UInt8, Sendable {
        /// Crops go to the cloud, which decides.
        case cloud = 0
        /// The agent also matches locally against its gallery.
        case edgeMatch = 1
        /// Only embeddings and results leave the site.
        case privacy = 2
    }

    /// One camera's counters since the agent started.
    public struct Camera: Sendable, Equatable {
        public var id: String
        /// Frames per second over the last interval.
        public var framesPerSecond: Float
        public var framesCaptured: UInt64
        /// Frames dropped because detection could not keep up, or unreadable.
        public var framesDropped: UInt64
        public var facesPublished: UInt64
        /// Whether the source is delivering frames now.
        public var online: Bool

        public init(id: String, framesPerSecond: Float, framesCaptured: UInt64, framesDropped: UInt64,
                    facesPublished: UInt64, online: Bool) {
            self.id = id
            self.framesPerSecond = framesPerSecond
            self.framesCaptured = framesCaptured
            self.framesDropped = framesDropped
            self.facesPublished = facesPublished
            self.online = online
        }
    }

    public var sentAt: Date
    /// The agent's software version (`RollcallVersion.current`).
    public var agentVersion: String
    public var mode: Mode
    public var uptimeSeconds: UInt64
    public var cameras: [Camera]
    /// Crops waiting in the outbox, their bytes, and the age of the oldest (0 when empty).
    public var outboxDepth: UInt32
    public var outboxBytes: UInt64
    public var outboxOldestAgeSeconds: Float
    /// Crops dropped because the outbox was full.
    public var outboxDropped: UInt64
    /// The gallery version in use (0: none).
    public var galleryVersion: UInt64

    /// Creates a heartbeat.
    public init(sentAt: Date = Date(), agentVersion: String, mode: Mode, uptimeSeconds: UInt64, cameras: [Camera],
                outboxDepth: UInt32, outboxBytes: UInt64, outboxOldestAgeSeconds: Float, outboxDropped: UInt64,
                galleryVersion: UInt64) {
        self.sentAt = sentAt
        self.agentVersion = agentVersion
        self.mode = mode
        self.uptimeSeconds = uptimeSeconds
        self.cameras = cameras
        self.outboxDepth = outboxDepth
        self.outboxBytes = outboxBytes
        self.outboxOldestAgeSeconds = outboxOldestAgeSeconds
        self.outboxDropped = outboxDropped
        self.galleryVersion = galleryVersion
    }

    public static let kinds: Set<MessageKind> = [.agentStatus]
    public var kind: MessageKind { .agentStatus }

    public func validate() throws {
        try Check.date(sentAt, field: "status.sentAt")
        try Check.text(agentVersion, field: "status.agentVersion", maxBytes: WireLimits.identifierBytes)
        try Check.count(cameras.count, field: "status.cameras", max: WireLimits.cameras)
        for (index, camera) in cameras.enumerated() {
            try WireIdentifier.validate(camera.id, field: "status.cameras[\(index)].id")
            try Check.finite(camera.framesPerSecond, field: "status.cameras[\(index)].framesPerSecond", in: 0...10_000)
        }
        try Check.finite(outboxOldestAgeSeconds, field: "status.outboxOldestAgeSeconds", in: 0...1e10)
    }

    public func encodeBody(into writer: inout WireWriter) {
        writer.write(sentAt)
        writer.writeShortString(agentVersion)
        writer.write(mode.rawValue)
        writer.write(uptimeSeconds)
        writer.write(UInt8(truncatingIfNeeded: cameras.count))
        for camera in cameras {
            writer.writeShortString(camera.id)
            writer.write(camera.framesPerSecond)
            writer.write(camera.framesCaptured)
            writer.write(camera.framesDropped)
            writer.write(camera.facesPublished)
            writer.write(camera.online)
        }
        writer.write(outboxDepth)
        writer.write(outboxBytes)
        writer.write(outboxOldestAgeSeconds)
        writer.write(outboxDropped)
        writer.write(galleryVersion)
    }

    public init(body reader: inout WireReader, kind: MessageKind) throws {
        sentAt = try reader.readDate("status.sentAt")
        agentVersion = try reader.readShortString("status.agentVersion", maxBytes: WireLimits.identifierBytes)
        let rawMode = try reader.readUInt8("status.mode")
        guard let mode = Mode(rawValue: rawMode) else {
            throw WireError(.invalidValue, field: "status.mode", detail: "mode \(rawMode) is not one of 0...2")
        }
        self.mode = mode
        uptimeSeconds = try reader.readUInt64("status.uptimeSeconds")
        let count = Int(try reader.readUInt8("status.cameras"))
        try Check.count(count, field: "status.cameras", max: WireLimits.cameras)
        var cameras: [Camera] = []
        for index in 0..<count {
            let field = "status.cameras[\(index)]"
            cameras.append(Camera(id: try reader.readIdentifier("\(field).id"),
                                  framesPerSecond: try reader.readFloat("\(field).framesPerSecond", in: 0...10_000),
                                  framesCaptured: try reader.readUInt64("\(field).framesCaptured"),
                                  framesDropped: try reader.readUInt64("\(field).framesDropped"),
                                  facesPublished: try reader.readUInt64("\(field).facesPublished"),
                                  online: try reader.readBool("\(field).online")))
        }
        self.cameras = cameras
        outboxDepth = try reader.readUInt32("status.outboxDepth")
        outboxBytes = try reader.readUInt64("status.outboxBytes")
        outboxOldestAgeSeconds = try reader.readFloat("status.outboxOldestAgeSeconds", in: 0...1e10)
        outboxDropped = try reader.readUInt64("status.outboxDropped")
        galleryVersion = try reader.readUInt64("status.galleryVersion")
    }
}
