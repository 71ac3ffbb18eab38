import Foundation

/// Appends fields in the wire encoding: big-endian integers, IEEE-754 float32 bit patterns, length-prefixed
/// strings and byte strings. Sizes are checked by the messages' `validate()` before anything is written.
public struct WireWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends one byte.
    public mutating func write(_ value: UInt8) { bytes.append(value) }

    /// Appends a big-endian 16-bit integer.
    public mutating func write(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a big-endian 32-bit integer.
    public mutating func write(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// Appends a big-endian 64-bit integer.
    public mutating func write(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Appends a big-endian signed 64-bit integer (two's complement).
    public mutating func write(_ value: Int64) { write(UInt64(bitPattern: value)) }

    /// Appends a float32 as its big-endian bit pattern.
    public mutating func write(_ value: Float) { write(value.bitPattern) }

    /// Appends a boolean as one byte, 0 or 1.
    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Appends a date as signed milliseconds since 1970-01-01T00:00:00Z.
    public mutating func write(_ value: Date) {
        write(Int64((value.timeIntervalSince1970 * 1000).rounded()))
    }

    /// Appends a UUID's 16 bytes.
    public mutating func write(_ value: UUID) {
        withUnsafeBytes(of: value.uuid) { bytes.append(contentsOf: $0) }
    }

    /// Appends a string as a one-byte length and its UTF-8 (at most 255 bytes; checked by `validate()`).
    public mutating func writeShortString(_ value: String) {
        let utf8 = Array(value.utf8)
        write(UInt8(truncatingIfNeeded: utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Appends a string as a two-byte length and its UTF-8.
    public mutating func writeString(_ value: String) {
        let utf8 = Array(value.utf8)
        write(UInt16(truncatingIfNeeded: utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Appends bytes as a four-byte length and the raw bytes (no base64).
    public mutating func writeBytes(_ value: Data) {
        write(UInt32(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends raw bytes with no length.
    public mutating func writeRaw(_ value: some Sequence<UInt8>) { bytes.append(contentsOf: value) }
}
