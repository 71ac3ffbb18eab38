import Foundation

/// The kind byte of a payload's header.
public enum MessageKind: UInt8, Sendable, CaseIterable {
    /// A face crop with its JPEG (`FaceCrop` with `.jpeg` content).
    case faceCrop = 1
    /// A face crop reduced to an embedding, privacy mode (`FaceCrop` with `.embedding` content).
    case faceEmbedding = 2
    /// A recognition decision (`RecognitionResult`).
    case recognitionResult = 3
    /// A signed gallery snapshot or update (`GalleryUpdate`).
    case galleryUpdate = 4
    /// An agent's acknowledgement of a gallery version (`GalleryAck`).
    case galleryAck = 5
    /// An agent's heartbeat (`AgentStatus`).
    case agentStatus = 6
    /// An agent's online/offline state, retained, also its last will (`Availability`).
    case availability = 7
    /// A followed face that never passed the crop gate, without any image (`FaceSighting`).
    case faceSighting = 8
}

/// A message with a binary wire encoding.
public protocol WireMessage: Sendable {
    /// The kinds this type encodes to and decodes from.
    static var kinds: Set<MessageKind> { get }
    /// The kind of this value.
    var kind: MessageKind { get }
    /// Checks every field against the limits; `encoded()` calls it so no sender emits what receivers refuse.
    func validate() throws
    /// Writes the body (the fields after the header).
    func encodeBody(into writer: inout WireWriter)
    /// Reads the body of a payload of `kind`, validating every field.
    init(body reader: inout WireReader, kind: MessageKind) throws
}

/// The 4-byte header every payload starts with.
public enum WireHeader {
    /// "RC".
    public static let magic: [UInt8] = [0x52, 0x43]
    /// The format version this build writes and the only one it reads. Version 2 (this one) carries a face's
    /// geometry in the JPEG's own pixels with the frame region the crop shows and the agent's own decision, and
    /// 64-bit worker ids; version 1 (geometry in frame pixels, text worker ids, results from agents) is refused.
    public static let version: UInt8 = 2
    /// Header size in bytes.
    public static let size = 4

    /// Reads and checks the header, returning the message kind.
    public static func read(_ reader: inout WireReader) throws -> MessageKind {
        let magic = try reader.readRaw("header.magic", count: 2)
        guard magic == Self.magic else {
            throw WireError(.badMagic, field: "header.magic", detail: "starts with \(magic.map { String(format: "%02x", $0) }.joined()), not 5243 (\"RC\")")
        }
        let version = try reader.readUInt8("header.version")
        guard version == Self.version else {
            throw WireError(.unsupportedVersion, field: "header.version",
                            detail: "format version \(version); this build reads version \(Self.version) only")
        }
        let rawKind = try reader.readUInt8("header.kind")
        guard let kind = MessageKind(rawValue: rawKind) else {
            throw WireError(.unknownKind, field: "header.kind", detail: "kind \(rawKind) is not defined in version \(Self.version)")
        }
        return kind
    }

    /// Reads only the kind of a payload (nil when the header is invalid), e.g. to route it.
    public static func peekKind(_ data: Data) -> MessageKind? {
        var reader = WireReader(data.prefix(size))
        return try? read(&reader)
    }
}

extension WireMessage {
    /// The payload: header and body, after `validate()`.
    public func encoded() throws -> Data {
        try validate()
        return Data(encodedBytes())
    }

    /// The payload bytes, without validation (callers validated already).
    func encodedBytes() -> [UInt8] {
        var writer = WireWriter()
        writer.writeRaw(WireHeader.magic)
        writer.write(WireHeader.version)
        writer.write(kind.rawValue)
        encodeBody(into: &writer)
        return writer.bytes
    }

    /// Decodes and validates a payload of this type. Throws `WireError` naming the first bad field.
    public init(decoding data: Data) throws {
        guard data.count <= WireLimits.payloadBytes else {
            throw WireError(.tooLarge, field: "payload", detail: "\(data.count) bytes, limit \(WireLimits.payloadBytes)")
        }
        var reader = WireReader(data)
        let kind = try WireHeader.read(&reader)
        guard Self.kinds.contains(kind) else {
            throw WireError(.wrongKind, field: "header.kind", detail: "a \(kind) message, expected \(Self.self)")
        }
        self = try Self(body: &reader, kind: kind)
        try reader.finish("\(Self.self)")
    }
}

/// Any Rollcall message, decoded from a payload whose kind is not known in advance.
public enum AnyWireMessage: Sendable {
    case faceCrop(FaceCrop)
    case recognitionResult(RecognitionResult)
    case galleryUpdate(GalleryUpdate)
    case galleryAck(GalleryAck)
    case agentStatus(AgentStatus)
    case availability(Availability)
    case faceSighting(FaceSighting)

    /// Decodes any payload. Gallery updates are decoded but NOT verified: call `GalleryUpdate.verified(…)`.
    public init(decoding data: Data) throws {
        guard data.count <= WireLimits.payloadBytes else {
            throw WireError(.tooLarge, field: "payload", detail: "\(data.count) bytes, limit \(WireLimits.payloadBytes)")
        }
        var reader = WireReader(data)
        let kind = try WireHeader.read(&reader)
        switch kind {
        case .faceCrop, .faceEmbedding: self = .faceCrop(try FaceCrop(body: &reader, kind: kind))
        case .recognitionResult: self = .recognitionResult(try RecognitionResult(body: &reader, kind: kind))
        case .galleryUpdate: self = .galleryUpdate(try GalleryUpdate(body: &reader, kind: kind))
        case .galleryAck: self = .galleryAck(try GalleryAck(body: &reader, kind: kind))
        case .agentStatus: self = .agentStatus(try AgentStatus(body: &reader, kind: kind))
        case .availability: self = .availability(try Availability(body: &reader, kind: kind))
        case .faceSighting: self = .faceSighting(try FaceSighting(body: &reader, kind: kind))
        }
        try reader.finish("payload")
    }
}

/// Shared validation helpers for message fields.
enum Check {
    static func text(_ value: String, field: String, maxBytes: Int = WireLimits.textBytes) throws {
        guard value.utf8.count <= maxBytes else {
            throw WireError(.tooLarge, field: field, detail: "\(value.utf8.count) bytes, limit \(maxBytes)")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw WireError(.invalidString, field: field, detail: "contains control characters")
        }
    }

    static func finite(_ value: Float, field: String, in range: ClosedRange<Float>? = nil) throws {
        guard value.isFinite else { throw WireError(.invalidValue, field: field, detail: "\(value) is not finite") }
        if let range, !range.contains(value) {
            throw WireError(.invalidValue, field: field, detail: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
    }

    static func count(_ count: Int, field: String, max: Int) throws {
        guard count <= max else { throw WireError(.tooLarge, field: field, detail: "\(count), limit \(max)") }
    }

    static func date(_ value: Date, field: String) throws {
        let milliseconds = value.timeIntervalSince1970 * 1000
        guard milliseconds.isFinite, abs(milliseconds) < 315_569_520_000_000 else {
            throw WireError(.invalidValue, field: field, detail: "time \(value) is out of range")
        }
    }
}
