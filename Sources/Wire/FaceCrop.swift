import Foundation
import RollcallCore

/// One face seen by an agent: where and when, how good, its JPEG crop or (privacy mode) only its embedding, and
/// the agent's own decision when it matches locally. Published on `Topic.faces(site:agent:camera:)` with QoS 1.
///
/// The face's geometry (`box`, `keypoints`) is given in the pixels of the image the message carries: for a
/// JPEG crop, the JPEG's own pixels (the cloud aligns from it without detecting again); for an embedding, the
/// source frame's pixels (there is no image).
public struct FaceCrop: WireMessage, Equatable {
    /// An embedding computed at the edge.
    public struct Embedding: Sendable, Equatable {
        /// The backbone that produced it (e.g. `dlib-resnet-v1`).
        public var modelID: String
        /// The vector.
        public var values: [Float]
        public init(modelID: String, values: [Float]) { self.modelID = modelID; self.values = values }
    }

    /// What the message carries besides the metadata.
    public enum Content: Sendable, Equatable {
        /// The crop as JPEG bytes (starts with FF D8 FF), and the region of the source frame it shows (frame
        /// pixels; the JPEG may be scaled from it).
        case jpeg(Data, region: Rect)
        /// Privacy mode: no image leaves the site, only the embedding.
        case embedding(Embedding)
    }

    /// The agent's own decision for this face (edge-match and privacy modes): FaceRecognition's decision against
    /// the gallery version it held, which the cloud compares with its own.
    public struct EdgeDecision: Sendable, Equatable {
        /// The accepted worker, or nil for unknown.
        public var workerID: WorkerID?
        /// Distance to the nearest worker's centroid; nil when the gallery was empty.
        public var distance: Float?
        /// The gallery version decided against (0: none held).
        public var galleryVersion: UInt64

        public init(workerID: WorkerID?, distance: Float?, galleryVersion: UInt64) {
            self.workerID = workerID
            self.distance = distance
            self.galleryVersion = galleryVersion
        }
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
    /// The face box, in the JPEG's pixels (JPEG content) or the source frame's (embedding content).
    public var box: Rect
    /// Detector keypoints (BlazeFace: 6, MediaPipe order) in the same pixels as `box`, at most 16.
    public var keypoints: [Point]
    /// Detector score, 0...1.
    public var detectionScore: Float
    /// The agent's quality score for this face (FaceRecognition's `FaceQuality`), 0...1.
    public var quality: Float
    /// The agent's local decision, when it matches locally.
    public var edge: EdgeDecision?
    /// The crop or its embedding.
    public var content: Content

    /// Creates a face message.
    public init(messageID: UUID = UUID(), camera: String, trackID: UInt64, frameTime: Date,
                frameWidth: UInt16, frameHeight: UInt16, box: Rect, keypoints: [Point],
                detectionScore: Float, quality: Float, edge: EdgeDecision? = nil, content: Content) {
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
        self.edge = edge
        self.content = content
    }

    public static let kinds: Set<MessageKind> = [.faceCrop, .faceEmbedding]

    public var kind: MessageKind {
        switch content {
        case .jpeg: return .faceCrop
        case .embedding: return .faceEmbedding
        }
    }

    /// The coordinate range accepted for boxes and keypoints (faces may extend past the image edges).
    static let coordinateRange: ClosedRange<Float> = -65_536...65_536
    /// The size range accepted for boxes and regions.
    static let sizeRange: ClosedRange<Float> = 0...65_536

    // Flag bits of the edge decision.
    private static let decided: UInt8 = 1, hasWorker: UInt8 = 2, hasDistance: UInt8 = 4

    public func validate() throws {
        try WireIdentifier.validate(camera, field: "face.camera")
        try Check.date(frameTime, field: "face.frameTime")
        guard frameWidth > 0, frameHeight > 0 else {
            throw WireError(.invalidValue, field: "face.frameSize", detail: "\(frameWidth)x\(frameHeight) is empty")
        }
        try Self.validate(box, field: "face.box", origin: Self.coordinateRange)
        try Check.count(keypoints.count, field: "face.keypoints", max: WireLimits.keypoints)
        for (index, point) in keypoints.enumerated() {
            try Check.finite(point.x, field: "face.keypoints[\(index)].x", in: Self.coordinateRange)
            try Check.finite(point.y, field: "face.keypoints[\(index)].y", in: Self.coordinateRange)
        }
        try Check.finite(detectionScore, field: "face.detectionScore", in: 0...1)
        try Check.finite(quality, field: "face.quality", in: 0...1)
        if let edge {
            if let worker = edge.workerID { try Self.validate(worker: worker, field: "face.edge.workerID") }
            if let distance = edge.distance { try Check.finite(distance, field: "face.edge.distance", in: 0...1_000) }
        }
        switch content {
        case .jpeg(let jpeg, let region):
            try Self.validate(region, field: "face.region", origin: Self.coordinateRange, positive: true)
            try Self.validateJPEG(jpeg, field: "face.jpeg")
        case .embedding(let embedding):
            try WireIdentifier.validate(embedding.modelID, field: "face.embedding.model")
            try Self.validateEmbedding(embedding.values, field: "face.embedding.values")
        }
    }

    static func validate(_ rect: Rect, field: String, origin: ClosedRange<Float>, positive: Bool = false) throws {
        try Check.finite(rect.x, field: "\(field).x", in: origin)
        try Check.finite(rect.y, field: "\(field).y", in: origin)
        try Check.finite(rect.width, field: "\(field).width", in: sizeRange)
        try Check.finite(rect.height, field: "\(field).height", in: sizeRange)
        if positive, rect.width <= 0 || rect.height <= 0 {
            throw WireError(.invalidValue, field: field, detail: "\(rect.width)x\(rect.height) is empty")
        }
    }

    static func validate(worker: WorkerID, field: String) throws {
        guard worker > 0 else { throw WireError(.invalidValue, field: field, detail: "worker id \(worker) is not positive") }
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
        Self.write(box, into: &writer)
        writer.write(UInt8(truncatingIfNeeded: keypoints.count))
        for point in keypoints { writer.write(point.x); writer.write(point.y) }
        writer.write(detectionScore)
        writer.write(quality)
        var flags: UInt8 = 0
        if let edge {
            flags |= Self.decided
            if edge.workerID != nil { flags |= Self.hasWorker }
            if edge.distance != nil { flags |= Self.hasDistance }
        }
        writer.write(flags)
        if let edge {
            if let worker = edge.workerID { writer.write(worker) }
            if let distance = edge.distance { writer.write(distance) }
            writer.write(edge.galleryVersion)
        }
        switch content {
        case .jpeg(let jpeg, let region):
            Self.write(region, into: &writer)
            writer.writeBytes(jpeg)
        case .embedding(let embedding):
            writer.writeShortString(embedding.modelID)
            writer.write(UInt16(truncatingIfNeeded: embedding.values.count))
            for value in embedding.values { writer.write(value) }
        }
    }

    static func write(_ rect: Rect, into writer: inout WireWriter) {
        writer.write(rect.x); writer.write(rect.y); writer.write(rect.width); writer.write(rect.height)
    }

    static func readRect(_ reader: inout WireReader, field: String) throws -> Rect {
        Rect(x: try reader.readFloat("\(field).x", in: coordinateRange),
             y: try reader.readFloat("\(field).y", in: coordinateRange),
             width: try reader.readFloat("\(field).width", in: sizeRange),
             height: try reader.readFloat("\(field).height", in: sizeRange))
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
        box = try Self.readRect(&reader, field: "face.box")
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
        let flags = try reader.readUInt8("face.edge.flags")
        guard flags & ~(Self.decided | Self.hasWorker | Self.hasDistance) == 0,
              flags & Self.decided != 0 || flags == 0 else {
            throw WireError(.invalidValue, field: "face.edge.flags", detail: "invalid flag bits in \(flags)")
        }
        if flags & Self.decided != 0 {
            var worker: WorkerID?
            if flags & Self.hasWorker != 0 {
                let id = try reader.readInt64("face.edge.workerID")
                try Self.validate(worker: id, field: "face.edge.workerID")
                worker = id
            }
            let distance = flags & Self.hasDistance != 0 ? try reader.readFloat("face.edge.distance", in: 0...1_000) : nil
            edge = EdgeDecision(workerID: worker, distance: distance,
                                galleryVersion: try reader.readUInt64("face.edge.galleryVersion"))
        } else {
            edge = nil
        }
        switch kind {
        case .faceCrop:
            let region = try Self.readRect(&reader, field: "face.region")
            guard region.width > 0, region.height > 0 else {
                throw WireError(.invalidValue, field: "face.region", detail: "\(region.width)x\(region.height) is empty")
            }
            let jpeg = try reader.readBytes("face.jpeg", maxBytes: WireLimits.jpegBytes)
            try Self.validateJPEG(jpeg, field: "face.jpeg")
            content = .jpeg(jpeg, region: region)
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
