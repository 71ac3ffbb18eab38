// Netpbm PGM/PPM reading (P2, P3 plain text; P5, P6 binary; maxval up to 65535) and writing (P5/P6).

/// Reads PGM and PPM images. Samples are rescaled to 0…255 as `round(v * 255 / maxval)`; binary 16-bit
/// samples (maxval > 255) are big-endian, as the format specifies. Only the first image of a file is read.
public enum PNMDecoder {
    /// Decodes a PGM/PPM image, checking the header's size against `options.pixelLimit` before allocating.
    public static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions = DecodeOptions()) throws(ImagingError) -> Image {
        guard bytes.count <= options.byteLimit else {
            throw ImagingError(.tooLarge, detail: "PNM of \(bytes.count) bytes exceeds the limit of \(options.byteLimit)")
        }
        var reader = Reader(bytes: bytes)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P") else {
            throw ImagingError(.unsupportedFormat, detail: "not a PNM file")
        }
        let kind = bytes[1]
        reader.position = 2
        let plain: Bool, format: Image.Format
        switch kind {
        case UInt8(ascii: "2"): plain = true; format = .gray
        case UInt8(ascii: "5"): plain = false; format = .gray
        case UInt8(ascii: "3"): plain = true; format = .rgb
        case UInt8(ascii: "6"): plain = false; format = .rgb
        default: throw ImagingError(.unsupportedFormat, detail: "PNM variant P\(Character(UnicodeScalar(kind))) is not supported")
        }
        let width = try reader.headerNumber("width")
        let height = try reader.headerNumber("height")
        let maxval = try reader.headerNumber("maxval")
        guard (1 ... 65535).contains(maxval) else {
            throw ImagingError(.corrupt, detail: "PNM maxval \(maxval) is outside 1…65535")
        }
        try options.checkPixelLimit(width: width, height: height, what: "PNM")
        let sampleCount = width * height * format.channels
        if !plain {
            // Exactly one whitespace byte separates the header from the raster.
            guard reader.position < bytes.count, isWhitespace(bytes[reader.position]) else {
                throw ImagingError(.corrupt, detail: "PNM header does not end in whitespace")
            }
            reader.position += 1
            let bytesPerSample = maxval > 255 ? 2 : 1
            guard bytes.count - reader.position >= sampleCount * bytesPerSample else {
                throw ImagingError(.corrupt, detail: "PNM raster truncated: \(bytes.count - reader.position) of \(sampleCount * bytesPerSample) bytes")
            }
        }
        let start = reader.position
        var failure: ImagingError?
        var image = try Image(width: width, height: height, format: format) { out in
            for i in 0 ..< sampleCount {
                let value: Int
                if plain {
                    do throws(ImagingError) { value = try reader.rasterNumber(index: i) } catch { failure = error; return }
                } else if maxval > 255 {
                    value = Int(bytes[start + 2 * i]) << 8 | Int(bytes[start + 2 * i + 1])
                } else {
                    value = Int(bytes[start + i])
                }
                guard value <= maxval else {
                    failure = ImagingError(.corrupt, detail: "PNM sample \(i) is \(value), above maxval \(maxval)")
                    return
                }
                out[i] = maxval == 255 ? UInt8(value) : UInt8((value * 255 + maxval / 2) / maxval)
            }
        }
        if let failure { throw failure }
        if let wanted = options.format, wanted != image.format { image = image.converted(to: wanted) }
        let target = options.fittedSize(width: width, height: height)
        if target != (width, height) { image = try image.resized(width: target.width, height: target.height, method: .area) }
        return image
    }

    /// True for the whitespace bytes Netpbm allows between header fields.
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    /// A cursor over the bytes that skips whitespace and `#` comments between decimal numbers.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func skipSeparators() {
            while position < bytes.count {
                if isWhitespace(bytes[position]) {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "#") {
                    while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
                } else {
                    return
                }
            }
        }

        /// Reads a decimal number of at most 9 digits, or nil if none is here.
        mutating func number() -> Int? {
            skipSeparators()
            var value = 0, digits = 0
            while position < bytes.count, (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(bytes[position]) {
                guard digits < 9 else { return nil }
                value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                digits += 1
                position += 1
            }
            return digits > 0 ? value : nil
        }

        mutating func headerNumber(_ field: String) throws(ImagingError) -> Int {
            guard let value = number() else {
                throw ImagingError(.corrupt, detail: "PNM header: missing or invalid \(field) at byte \(position)")
            }
            return value
        }

        mutating func rasterNumber(index: Int) throws(ImagingError) -> Int {
            guard let value = number() else {
                throw ImagingError(.corrupt, detail: "PNM raster: sample \(index) missing or invalid at byte \(position)")
            }
            return value
        }
    }
}

extension Image {
    /// This image as binary PGM (gray, P5) or PPM (RGB, P6) bytes, maxval 255.
    public func pnmData() -> [UInt8] {
        var output = Array("P\(format == .gray ? 5 : 6)\n\(width) \(height)\n255\n".utf8)
        output.append(contentsOf: pixels)
        return output
    }
}
