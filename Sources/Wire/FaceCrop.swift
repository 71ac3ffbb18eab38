import Foundation

/// One face seen by an agent: where and when, how good, and either its JPEG crop or (privacy mode) only its
/// embedding. Published on `Topic.faces(site:agent:camera:)` with QoS 1.
public struct FaceCrop: WireMessage, Equatable {
    /// A point in source-frame pixels.
    public struct Point: Sendable, Equatable {
        public var x: Float
        public var y: Float
        public init(x: Float, y: Float) { self.x = x; self.y = y }
    }

    /// A rectangle in source-frame pixels.
    public struct Box: Sendable, Equatable {
        public var x: Float
        public var y: Float
        public var width: Float
        public var height: Float
        public init(x: Float, y: Float, width: Float, height: Float) {
            self.x = x; self.y = y; self.width = width; self.height = height
        }
    }

    /// An embedding computed at the edge.
    public struct Embedding: Sendable, Equatable {
        /// The backbone that produced it (e.g. `dlib-resnet`).
        public var modelID: String
        /// The vector.
        public var values: [Float]
        public init(modelID: String, values: [Float]) { self.modelID = modelID; self.values = values }
    }

    /// What the message carries besides the metadata.
    public enum Content: Sendable, Equatable {
        /// The crop as JPEG bytes (starts with FF D8 FF).
        case jpeg(Data)
        /// Privacy mode: no image leaves the site, only the embedding.
        case embedding(Embedding)
    }

    /// Unique per message; consumers drop duplicates (QoS 1 redelivery) by it.
    public var messageID: UUID
    /// The camera's id (also in the topic).
    public var camera: String
    /// The agent's track id; stable while the face is followed.
    public var trackID: UInt64
    /// When the frame was captured.
    public var frameTime: Date
    /// Source frame size in pixels.
    public var frameWidth: UInt16
    public var frameHeight: UInt16
    /// The face box in source-frame pixels.
    public var box: Box
    /// Detector keypoints in source-frame pixels (BlazeFace: 6, MediaPipe order), at most 16.
    public var keypoints: [Point]
    /// Detector score, 0...1.
    public var detectionScore: Float
    /// The agent's quality score for this crop, 0...1.
    public var quality: Float
    /// The crop or its embedding.
    public var content: Content

    /// Creates a face message.
    public init(messageID: UUID = UUID(), camera: String, trackID: UInt64, frameTime: Date,
                frameWidth: UInt16, frameHeight: UInt16, box: Box, keypoints: [Point],
                detectionScore: Float, quality: Float, content: Content) {
        self.messageID = messageID
        self.camera = camera
        self.trackID = trackID
        self.frameTime = frameTime
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
        self.box = box
        self.keypoints = keypoints
        self.detectionScore = detectionScore
        self.quality = quality
        self.content = content
    }

    public static let kinds: Set<MessageKind> = [.faceCrop, .faceEmbedding]

    public var kind: MessageKind {
        switch content {
        case .jpeg: return .faceCrop
        case .embedding: return .faceEmbedding
        }
    }

    /// The coordinate range accepted for boxes and keypoints (faces may extend past the frame edges).
    static let coordinateRange: ClosedRange<Float> = -65_536...65_536

    public func validate() throws {
        try WireIdentifier.validate(camera, field: "face.camera")
        try Check.date(frameTime, field: "face.frameTime")
        guard frameWidth > 0, frameHeight > 0 else {
            throw WireError(.invalidValue, field: "face.frameSize", detail: "\(frameWidth)x\(frameHeight) is empty")
        }
        try Check.finite(box.x, field: "face.box.x", in: Self.coordinateRange)
        try Check.finite(box.y, field: "face.box.y", in: Self.coordinateRange)
        try Check.finite(box.width, field: "face.box.width", in: 0...65_536)
        try Check.finite(box.height, field: "face.box.height", in: 0...65_536)
        try Check.count(keypoints.count, field: "face.keypoints", max: WireLimits.keypoints)
        for (index, point) in keypoints.enumerated() {
            try Check.finite(point.x, field: "face.keypoints[\(index)].x", in: Self.coordinateRange)
            try Check.finite(point.y, field: "face.keypoints[\(index)].y", in: Self.coordinateRange)
        }
        try Check.finite(detectionScore, field: "face.detectionScore", in: 0...1)
        try Check.finite(quality, field: "face.quality", in: 0...1)
        switch content {
        case .jpeg(let jpeg):
            try Self.validateJPEG(jpeg, field: "face.jpeg")
        case .embedding(let embedding):
            try WireIdentifier.validate(embedding.modelID, field: "face.embedding.model")
            try Self.validateEmbedding(embedding.values, field: "face.embedding.values")
        }
    }

    static func validateJPEG(_ jpeg: Data, field: String) throws {
        guard jpeg.count <= WireLimits.jpegBytes else {
            throw WireError(.tooLarge, field: field, detail: "\(jpeg.count) bytes, limit \(WireLimits.jpegBytes)")
        }
        guard jpeg.count >= 4, jpeg.starts(with: [0xFF, 0xD8, 0xFF]) else {
            throw WireError(.invalidValue, field: field, detail: "does not start with a JPEG SOI marker (FF D8 FF)")
        }
    }

    static func validateEmbedding(_ values: [Float], field: String) throws {
        guard !values.isEmpty else { throw WireError(.invalidValue, field: field, detail: "empty embedding") }
        try Check.count(values.count, field: field, max: WireLimits.embeddingDimension)
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw WireError(.invalidValue, field: "\(field)[\(index)]", detail: "\(values[index]) is not finite")
        }
    }

    public func encodeBody(into writer: inout WireWriter) {
        writer.write(messageID)
        writer.writeShortString(camera)
        writer.write(trackID)
        writer.write(frameTime)
        writer.write(frameWidth)
        writer.write(frameHeight)
        writer.write(box.x); writer.write(box.y); writer.write(box.width); writer.write(box.height)
        writer.write(UInt8(truncatingIfNeeded: keypoints.count))
        for point in keypoints { writer.write(point.x); writer.write(point.y) }
        writer.write(detectionScore)
        writer.write(quality)
        switch content {
        case .jpeg(let jpeg):
            writer.writeBytes(jpeg)
        case .embedding(let embedding):
            writer.writeShortString(embedding.modelID)
            writer.write(UInt16(truncatingIfNeeded: embedding.values.count))
            for value in embedding.values { writer.write(value) }
        }
    }

    public init(body reader: inout WireReader, kind: MessageKind) throws {
        messageID = try reader.readUUID("face.messageID")
        camera = try reader.readIdentifier("face.camera")
        trackID = try reader.readUInt64("face.trackID")
        frameTime = try reader.readDate("face.frameTime")
        frameWidth = try reader.readUInt16("face.frameWidth")
        frameHeight = try reader.readUInt16("face.frameHeight")
        guard frameWidth > 0, frameHeight > 0 else {
            throw WireError(.invalidValue, field: "face.frameSize", detail: "\(frameWidth)x\(frameHeight) is empty")
        }
        box = Box(x: try reader.readFloat("face.box.x", in: Self.coordinateRange),
                  y: try reader.readFloat("face.box.y", in: Self.coordinateRange),
                  width: try reader.readFloat("face.box.width", in: 0...65_536),
                  height: try reader.readFloat("face.box.height", in: 0...65_536))
        let keypointCount = Int(try reader.readUInt8("face.keypoints"))
        try Check.count(keypointCount, field: "face.keypoints", max: WireLimits.keypoints)
        var points: [Point] = []
        points.reserveCapacity(keypointCount)
        for index in 0..<keypointCount {
            points.append(Point(x: try reader.readFloat("face.keypoints[\(index)].x", in: Self.coordinateRange),
                                y: try reader.readFloat("face.keypoints[\(index)].y", in: Self.coordinateRange)))
        }
        keypoints = points
        detectionScore = try reader.readFloat("face.detectionScore", in: 0...1)
        quality = try reader.readFloat("face.quality", in: 0...1)
        switch kind {
        case .faceCrop:
            let jpeg = try reader.readBytes("face.jpeg", maxBytes: WireLimits.jpegBytes)
            try Self.validateJPEG(jpeg, field: "face.jpeg")
            content = .jpeg(jpeg)
        default:
            let model = try reader.readIdentifier("face.embedding.model")
            let count = Int(try reader.readUInt16("face.embedding.count"))
            try Check.count(count, field: "face.embedding.count", max: WireLimits.embeddingDimension)
            guard count > 0 else { throw WireError(.invalidValue, field: "face.embedding.count", detail: "empty embedding") }
            var values: [Float] = []
            values.reserveCapacity(count)
            for index in 0..<count { values.append(try reader.readFloat("face.embedding.values[\(index)]")) }
            content = .embedding(Embedding(modelID: model, values: values))
        }
    }
}
