// Flips and right-angle rotations, and the eight EXIF orientations built from them.

/// An EXIF orientation (TIFF tag 0x0112): how the stored pixels must be turned to display upright.
public enum ImageOrientation: Int, Sendable, CaseIterable {
    /// Stored upright.
    case up = 1
    /// Mirrored left-right.
    case upMirrored = 2
    /// Upside down (rotate 180°).
    case down = 3
    /// Mirrored top-bottom.
    case downMirrored = 4
    /// Mirrored along the main diagonal (transpose).
    case leftMirrored = 5
    /// Rotate 90° clockwise to display.
    case right = 6
    /// Mirrored along the anti-diagonal (transverse).
    case rightMirrored = 7
    /// Rotate 90° counter-clockwise to display.
    case left = 8
}

extension Image {
    /// The image turned upright according to `orientation` (what `cv2.imread` does with EXIF by default).
    public func oriented(_ orientation: ImageOrientation) -> Image {
        let w = width, h = height
        switch orientation {
        case .up: return self
        case .upMirrored: return remapped(width: w, height: h) { x, y in (w - 1 - x, y) }
        case .down: return remapped(width: w, height: h) { x, y in (w - 1 - x, h - 1 - y) }
        case .downMirrored: return remapped(width: w, height: h) { x, y in (x, h - 1 - y) }
        case .leftMirrored: return remapped(width: h, height: w) { x, y in (y, x) }
        case .right: return remapped(width: h, height: w) { x, y in (y, h - 1 - x) }
        case .rightMirrored: return remapped(width: h, height: w) { x, y in (w - 1 - y, h - 1 - x) }
        case .left: return remapped(width: h, height: w) { x, y in (w - 1 - y, x) }
        }
    }

    /// Output pixel (x, y) copies source pixel `source(x, y)`, which must be in range.
    private func remapped(width outWidth: Int, height outHeight: Int, _ source: (Int, Int) -> (Int, Int)) -> Image {
        let cn = channels, srcWidth = width
        var output = [UInt8](repeating: 0, count: outWidth * outHeight * cn)
        pixels.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                for y in 0 ..< outHeight {
                    for x in 0 ..< outWidth {
                        let (sx, sy) = source(x, y)
                        let from = (sy * srcWidth + sx) * cn, to = (y * outWidth + x) * cn
                        for c in 0 ..< cn { dst[to + c] = src[from + c] }
                    }
                }
            }
        }
        return Image(unchecked: outWidth, height: outHeight, format: format, pixels: output)
    }
}

/// Reads the orientation tag from a JPEG's EXIF (APP1) segment. Every read is bounds-checked: damaged EXIF
/// yields nil (upright), never a failure.
public enum EXIFReader {
    /// The orientation stored in `jpeg`, or nil when there is none (or it is unreadable or out of range).
    public static func orientation(ofJPEG jpeg: UnsafeRawBufferPointer) -> ImageOrientation? {
        guard jpeg.count > 4, jpeg[0] == 0xFF, jpeg[1] == 0xD8 else { return nil }
        var pos = 2
        while pos + 4 <= jpeg.count, jpeg[pos] == 0xFF {
            let marker = jpeg[pos + 1]
            if marker == 0xDA || marker == 0xD9 { return nil } // image data starts: no EXIF before it
            let length = Int(jpeg[pos + 2]) << 8 | Int(jpeg[pos + 3])
            guard length >= 2, pos + 2 + length <= jpeg.count else { return nil }
            if marker == 0xE1, length >= 16 {
                let body = UnsafeRawBufferPointer(rebasing: jpeg[(pos + 4) ..< (pos + 2 + length)])
                if body.starts(with: Array("Exif\0\0".utf8)) {
                    return orientation(ofTIFF: UnsafeRawBufferPointer(rebasing: body[6...]))
                }
            }
            pos += 2 + length
        }
        return nil
    }

    private static func orientation(ofTIFF tiff: UnsafeRawBufferPointer) -> ImageOrientation? {
        guard tiff.count >= 8 else { return nil }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let entries = u16(ifd), entries < 1000 else { return nil }
        for i in 0 ..< entries {
            let entry = ifd + 2 + 12 * i
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112 {
                guard u16(entry + 2) == 3, let value = u16(entry + 8) else { return nil } // type SHORT
                return ImageOrientation(rawValue: value)
            }
        }
        return nil
    }
}
