// An uploaded or received image, checked to be a JPEG or PNG with sane dimensions before anything decodes it.
import Foundation

/// Image bytes whose container (JPEG or PNG) and dimensions were read from the header.
public struct EncodedImage: Sendable, Equatable {
    /// The container format.
    public enum Format: String, Sendable, Codable {
        case jpeg, png

        /// The file extension and MIME type.
        public var fileExtension: String { self == .jpeg ? "jpg" : "png" }
        public var mimeType: String { self == .jpeg ? "image/jpeg" : "image/png" }
    }

    public let bytes: [UInt8]
    public let format: Format
    public let width: Int
    public let height: Int

    /// Largest side accepted, in pixels.
    public static let maxSide = 16384

    /// Checks `bytes`: throws `.notAnImage` unless they start like a JPEG or PNG whose header gives a size.
    public init(bytes: [UInt8]) throws(CloudError) {
        self.bytes = bytes
        if bytes.count >= 24, bytes[0 ..< 8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            guard bytes[12 ..< 16].elementsEqual(Array("IHDR".utf8)) else {
                throw CloudError(.notAnImage, "PNG without IHDR chunk")
            }
            format = .png
            width = Int(Self.bigEndian32(bytes, 16))
            height = Int(Self.bigEndian32(bytes, 20))
        } else if bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF {
            format = .jpeg
            guard let size = Self.jpegSize(bytes) else {
                throw CloudError(.notAnImage, "JPEG without a frame header (truncated or damaged)")
            }
            (width, height) = size
        } else {
            throw CloudError(.notAnImage, "not a JPEG or PNG image (\(bytes.count) bytes)")
        }
        guard (1 ... Self.maxSide).contains(width), (1 ... Self.maxSide).contains(height) else {
            throw CloudError(.notAnImage, "impossible image size \(width)×\(height)")
        }
    }

    private static func bigEndian32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    /// Walks JPEG marker segments to the first start-of-frame and reads its size.
    private static func jpegSize(_ bytes: [UInt8]) -> (Int, Int)? {
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }          // fill byte
            if marker == 0xD8 || (0xD0 ... 0xD7).contains(marker) || marker == 0x01 { index += 2; continue }
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            guard length >= 2 else { return nil }
            let isFrame = (0xC0 ... 0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                guard index + 8 < bytes.count else { return nil }
                let height = Int(bytes[index + 5]) << 8 | Int(bytes[index + 6])
                let width = Int(bytes[index + 7]) << 8 | Int(bytes[index + 8])
                return (width, height)
            }
            if marker == 0xDA || marker == 0xD9 { return nil }     // scan or end before any frame header
            index += 2 + length
        }
        return nil
    }
}
