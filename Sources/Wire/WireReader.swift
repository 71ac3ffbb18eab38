import Foundation

/// Reads fields in the wire encoding from untrusted bytes. Every read names its field, so a failure says
/// where the payload went wrong; lengths are checked against the caller's limit before anything is copied.
public struct WireReader: Sendable {
    private let bytes: [UInt8]
    /// The offset of the next byte to read.
    public private(set) var offset: Int

    /// Creates a reader over `data`.
    public init(_ data: Data) {
        bytes = [UInt8](data)
        offset = 0
    }

    /// Creates a reader over `bytes`.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
    }

    /// Bytes not read yet.
    public var remaining: Int { bytes.count - offset }

    /// The bytes read so far (for signatures over a message's prefix).
    public var consumed: ArraySlice<UInt8> { bytes[0..<offset] }

    private mutating func take(_ count: Int, field: String) throws -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else {
            throw WireError(.truncated, field: field, detail: "needs \(count) byte(s) at offset \(offset), \(remaining) left")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// Reads one byte.
    public mutating func readUInt8(_ field: String) throws -> UInt8 {
        try take(1, field: field).first ?? 0
    }

    /// Reads a big-endian 16-bit integer.
    public mutating func readUInt16(_ field: String) throws -> UInt16 {
        try take(2, field: field).reduce(0) { $0 << 8 | UInt16($1) }
    }

    /// Reads a big-endian 32-bit integer.
    public mutating func readUInt32(_ field: String) throws -> UInt32 {
        try take(4, field: field).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Reads a big-endian 64-bit integer.
    public mutating func readUInt64(_ field: String) throws -> UInt64 {
        try take(8, field: field).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Reads a big-endian signed 64-bit integer.
    public mutating func readInt64(_ field: String) throws -> Int64 {
        Int64(bitPattern: try readUInt64(field))
    }

    /// Reads a float32 and requires it to be finite.
    public mutating func readFloat(_ field: String) throws -> Float {
        let value = Float(bitPattern: try readUInt32(field))
        guard value.isFinite else { throw WireError(.invalidValue, field: field, detail: "\(value) is not finite") }
        return value
    }

    /// Reads a float32 and requires it to lie in `range`.
    public mutating func readFloat(_ field: String, in range: ClosedRange<Float>) throws -> Float {
        let value = try readFloat(field)
        guard range.contains(value) else {
            throw WireError(.invalidValue, field: field, detail: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// Reads a boolean byte (0 or 1 only).
    public mutating func readBool(_ field: String) throws -> Bool {
        switch try readUInt8(field) {
        case 0: return false
        case 1: return true
        case let other: throw WireError(.invalidValue, field: field, detail: "boolean byte is \(other), not 0 or 1")
        }
    }

    /// Reads a date written as milliseconds since 1970, within ±10,000 years.
    public mutating func readDate(_ field: String) throws -> Date {
        let milliseconds = try readInt64(field)
        let limit: Int64 = 315_569_520_000_000  // 10,000 years
        guard milliseconds > -limit, milliseconds < limit else {
            throw WireError(.invalidValue, field: field, detail: "time \(milliseconds) ms is out of range")
        }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Reads a 16-byte UUID.
    public mutating func readUUID(_ field: String) throws -> UUID {
        let raw = Array(try take(16, field: field))
        return UUID(uuid: (raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                           raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]))
    }

    /// Reads a one-byte-length UTF-8 string of at most `maxBytes` bytes, without control characters.
    public mutating func readShortString(_ field: String, maxBytes: Int) throws -> String {
        let count = Int(try readUInt8(field))
        return try decodeText(count: count, field: field, maxBytes: maxBytes)
    }

    /// Reads a two-byte-length UTF-8 string of at most `maxBytes` bytes, without control characters.
    public mutating func readString(_ field: String, maxBytes: Int) throws -> String {
        let count = Int(try readUInt16(field))
        return try decodeText(count: count, field: field, maxBytes: maxBytes)
    }

    /// Reads an identifier (see `WireIdentifier`).
    public mutating func readIdentifier(_ field: String) throws -> String {
        let value = try readShortString(field, maxBytes: WireLimits.identifierBytes)
        try WireIdentifier.validate(value, field: field)
        return value
    }

    private mutating func decodeText(count: Int, field: String, maxBytes: Int) throws -> String {
        guard count <= maxBytes else {
            throw WireError(.tooLarge, field: field, detail: "\(count) bytes, limit \(maxBytes)")
        }
        let raw = try take(count, field: field)
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw WireError(.invalidString, field: field, detail: "not valid UTF-8")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw WireError(.invalidString, field: field, detail: "contains control characters")
        }
        return text
    }

    /// Reads a four-byte-length byte string of at most `maxBytes` bytes.
    public mutating func readBytes(_ field: String, maxBytes: Int) throws -> Data {
        let count = Int(try readUInt32(field))
        guard count <= maxBytes else {
            throw WireError(.tooLarge, field: field, detail: "\(count) bytes, limit \(maxBytes)")
        }
        return Data(try take(count, field: field))
    }

    /// Reads `count` raw bytes.
    public mutating func readRaw(_ field: String, count: Int) throws -> [UInt8] {
        Array(try take(count, field: field))
    }

    /// Throws `.trailingBytes` unless every byte was read.
    public func finish(_ field: String) throws {
        guard remaining == 0 else {
            throw WireError(.trailingBytes, field: field, detail: "\(remaining) byte(s) after the last field")
        }
    }
}
