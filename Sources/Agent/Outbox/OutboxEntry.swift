// One message waiting in the disk outbox, and its file format.
//
// Each entry is one file `<sequence, 20 digits>.rob` in the outbox folder, written to a temporary name, flushed
// and renamed into place, so an entry file either exists completely or not at all. Layout (little endian):
//
//   offset  size  field
//        0     4  magic "RCOB"
//        4     1  format version (1)
//        5     1  flags (bit 0: retain)
//        6     2  topic length T (UTF-8 bytes, 1...1024)
//        8     4  payload length P (0...64 MiB)
//       12     8  created-at, Unix seconds as IEEE-754 double bits
//       20     4  CRC-32 (IEEE) of bytes 4..<20 followed by topic and payload
//       24     T  topic
//     24+T     P  payload
import Foundation

/// A message in the outbox: what to publish and when it was made.
public struct OutboxEntry: Sendable, Equatable {
    /// Position in the outbox; strictly increasing, never reused within one outbox folder.
    public let sequence: UInt64
    /// MQTT topic to publish to.
    public let topic: String
    /// Message bytes.
    public let payload: Data
    /// Whether to publish with the retain flag.
    public let retain: Bool
    /// When the message was made (Unix seconds).
    public let createdAt: Double

    public init(sequence: UInt64, topic: String, payload: Data, retain: Bool = false, createdAt: Double) {
        self.sequence = sequence
        self.topic = topic
        self.payload = payload
        self.retain = retain
        self.createdAt = createdAt
    }

    static let magic: [UInt8] = Array("RCOB".utf8)
    static let version: UInt8 = 1
    static let headerSize = 24
    static let maxTopicBytes = 1024
    static let maxPayloadBytes = 64 << 20

    /// Size of this entry's file.
    public var fileSize: Int { Self.headerSize + topic.utf8.count + payload.count }

    /// The file name of the entry with this sequence.
    static func fileName(_ sequence: UInt64) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".rob"
    }

    /// The sequence number in an entry file name, or nil when the name is not one.
    static func sequence(fromFileName name: String) -> UInt64? {
        guard name.hasSuffix(".rob"), name.count == 24 else { return nil }
        return UInt64(name.prefix(20))
    }

    /// The file's bytes.
    func encoded() -> Data {
        var body = Data()
        body.append(Self.version)
        body.append(retain ? 1 : 0)
        body.appendLittleEndian(UInt16(topic.utf8.count))
        body.appendLittleEndian(UInt32(payload.count))
        body.appendLittleEndian(createdAt.bitPattern)
        var checksum = CRC32()
        checksum.update(body)
        checksum.update(Data(topic.utf8))
        checksum.update(payload)
        var file = Data(Self.magic)
        file.append(body)
        file.appendLittleEndian(checksum.value)
        file.append(contentsOf: topic.utf8)
        file.append(payload)
        return file
    }

    /// Parses an entry file; throws `.corrupt` for anything that is not a complete, intact entry.
    static func decode(_ data: Data, sequence: UInt64, path: String) throws(OutboxError) -> OutboxEntry {
        let bytes = [UInt8](data)
        func corrupt(_ detail: String) -> OutboxError { OutboxError(.corrupt, path: path, detail: detail) }
        guard bytes.count >= headerSize else { throw corrupt("\(bytes.count) bytes, shorter than the header") }
        guard Array(bytes[0..<4]) == magic else { throw corrupt("bad magic") }
        guard bytes[4] == version else { throw corrupt("unsupported format version \(bytes[4])") }
        let topicLength = Int(bytes.littleEndian(UInt16.self, at: 6))
        let payloadLength = Int(bytes.littleEndian(UInt32.self, at: 8))
        guard (1...maxTopicBytes).contains(topicLength), payloadLength <= maxPayloadBytes,
              bytes.count == headerSize + topicLength + payloadLength
        else { throw corrupt("lengths do not match the file size (truncated?)") }
        var checksum = CRC32()
        checksum.update(bytes[4..<20])
        checksum.update(bytes[headerSize...])
        guard checksum.value == bytes.littleEndian(UInt32.self, at: 20) else { throw corrupt("checksum mismatch") }
        guard let topic = String(validating: bytes[headerSize..<(headerSize + topicLength)], as: UTF8.self) else {
            throw corrupt("topic is not UTF-8")
        }
        let createdAt = Double(bitPattern: bytes.littleEndian(UInt64.self, at: 12))
        return OutboxEntry(sequence: sequence, topic: topic, payload: Data(bytes[(headerSize + topicLength)...]),
                           retain: bytes[5] & 1 == 1, createdAt: createdAt)
    }
}

extension Data {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

extension Array where Element == UInt8 {
    func littleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(self[offset + i]) << (8 * i) }
        return value
    }
}

/// CRC-32 (IEEE 802.3, the one zlib and PNG use).
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private var state: UInt32 = 0xFFFF_FFFF

    mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for byte in bytes { state = Self.table[Int((state ^ UInt32(byte)) & 0xFF)] ^ (state >> 8) }
    }

    var value: UInt32 { state ^ 0xFFFF_FFFF }
}
