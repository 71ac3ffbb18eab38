// Recognises an encoded image's format from its first bytes (never from a file name).

/// An encoded image format Rollcall can read.
public enum ImageFileFormat: String, Sendable, CaseIterable {
    /// JFIF/EXIF JPEG (starts with the SOI marker FF D8 FF).
    case jpeg
    /// PNG (starts with the 8-byte PNG signature).
    case png
    /// Netpbm gray or colour map: P2/P5 (PGM) or P3/P6 (PPM).
    case pnm

    /// The format the bytes claim to be, or nil when they match none.
    public static func sniff(_ bytes: UnsafeRawBufferPointer) -> ImageFileFormat? {
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if bytes.count >= 8, zip(bytes.prefix(8), pngSignature).allSatisfy({ $0 == $1 }) { return .png }
        if bytes.count >= 3, bytes[0] == UInt8(ascii: "P"),
           [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].contains(bytes[1]),
           PNMDecoder.isWhitespace(bytes[2]) {
            return .pnm
        }
        return nil
    }
}
