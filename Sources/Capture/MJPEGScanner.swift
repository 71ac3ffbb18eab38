// Splits a Motion-JPEG byte stream (concatenated JPEG images) into frames by walking the JPEG marker structure.

/// Finds JPEG frames in concatenated bytes. Rather than searching for the first FF D9 (which also ends EXIF
/// thumbnails embedded in APP1), it follows the marker segments: lengths are skipped, entropy-coded data is
/// scanned for a marker that is not a stuffed byte (FF 00) or a restart (FF D0–D7), and the frame ends at the
/// EOI (FF D9) of its own structure. Damage (a new SOI inside a frame, a bad marker, data running off the end)
/// yields `.corrupt` for the damaged bytes and scanning resumes at the next SOI.
public struct MJPEGScanner {
    /// One scanning step's result.
    public enum Item: Equatable, Sendable {
        /// A complete JPEG (SOI … EOI) at these byte offsets.
        case frame(Range<Int>)
        /// Damaged bytes that started like a frame but are not one.
        case corrupt(Range<Int>)
    }

    public init() {}

    /// The next frame or damaged span at or after `offset`, advancing `offset` past it; nil when no further SOI.
    public func next(in bytes: UnsafeRawBufferPointer, offset: inout Int) -> Item? {
        guard let start = findSOI(bytes, from: offset) else {
            offset = bytes.count
            return nil
        }
        switch parseFrame(bytes, start: start) {
        case .success(let end):
            offset = end
            return .frame(start ..< end)
        case .failure(let resume):
            let next = findSOI(bytes, from: max(resume, start + 2)) ?? bytes.count
            offset = next
            return .corrupt(start ..< next)
        }
    }

    private func findSOI(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        var i = max(0, from)
        while i + 2 < bytes.count {
            if bytes[i] == 0xFF, bytes[i + 1] == 0xD8, bytes[i + 2] == 0xFF { return i }
            i += 1
        }
        return nil
    }

    private enum Parse { case success(Int), failure(Int) }

    /// The end offset (just past EOI) of the frame at `start`, or where parsing failed.
    private func parseFrame(_ bytes: UnsafeRawBufferPointer, start: Int) -> Parse {
        let count = bytes.count
        var pos = start + 2
        while pos < count {
            guard bytes[pos] == 0xFF else { return .failure(pos) }
            while pos < count, bytes[pos] == 0xFF { pos += 1 } // fill bytes
            guard pos < count else { return .failure(pos) }
            let marker = bytes[pos]
            pos += 1
            switch marker {
            case 0xD9: return .success(pos)
            case 0xD8: return .failure(pos - 2)
            case 0x01, 0xD0 ... 0xD7: continue
            case 0x00: return .failure(pos)
            default:
                guard pos + 1 < count else { return .failure(count) }
                let length = Int(bytes[pos]) << 8 | Int(bytes[pos + 1])
                guard length >= 2, pos + length <= count else { return .failure(pos) }
                pos += length
                if marker == 0xDA { // start of scan: entropy-coded data follows until the next real marker
                    while pos + 1 < count {
                        if bytes[pos] == 0xFF {
                            let next = bytes[pos + 1]
                            if next == 0x00 || (0xD0 ... 0xD7).contains(next) { pos += 2; continue }
                            if next == 0xFF { pos += 1; continue }
                            break
                        }
                        pos += 1
                    }
                    if pos + 1 >= count { return .failure(count) }
                }
            }
        }
        return .failure(count)
    }
}
