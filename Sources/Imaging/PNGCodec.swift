// PNG decoding and encoding through libpng's simplified API (errors come back in a message buffer; no longjmp).
import CPNG

/// PNG decoding and encoding.
///
/// Alpha is dropped, not composited (as `cv2.imread` does); 16-bit samples keep their high byte (as
/// `cv2.imread`; with alpha, libpng's 8-bit sRGB reduction is used instead); palette images are expanded. Colour is never converted by libpng —
/// gray ↔ RGB happens in `Image.converted(to:)` so the weights are ours.
public enum PNGCodec {
    private static let formatFlagAlpha: UInt32 = 0x01
    private static let formatFlagColor: UInt32 = 0x02
    private static let formatFlagLinear: UInt32 = 0x04
    private static let imageFlag16BitSRGB: UInt32 = 0x04

    /// Decodes a PNG. The header's size is checked against `options.pixelLimit` before any pixel is allocated.
    public static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions = DecodeOptions()) throws(ImagingError) -> Image {
        guard bytes.count <= options.byteLimit else {
            throw ImagingError(.tooLarge, detail: "PNG of \(bytes.count) bytes exceeds the limit of \(options.byteLimit)")
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw ImagingError(.corrupt, detail: "PNG: no data") }
        // The IHDR chunk must come first; check its size ourselves so a header claiming a huge image is refused
        // even when the rest of the file (which libpng would read before reporting the size) is missing.
        if bytes.count >= 24, bytes[12] == UInt8(ascii: "I"), bytes[13] == UInt8(ascii: "H") {
            func be32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
            try options.checkPixelLimit(width: be32(16), height: be32(20), what: "PNG")
        }
        var png = png_image()
        png.version = rollcall_png_image_version
        defer { png_image_free(&png) }
        guard png_image_begin_read_from_memory(&png, base, bytes.count) != 0 else {
            throw ImagingError(.corrupt, detail: "PNG header: \(message(of: &png))")
        }
        let width = Int(png.width), height = Int(png.height)
        try options.checkPixelLimit(width: width, height: height, what: "PNG")
        let sourceIsColor = png.format & formatFlagColor != 0
        let hasAlpha = png.format & formatFlagAlpha != 0
        let sixteenBit = png.format & formatFlagLinear != 0
        let samples = (sourceIsColor ? 3 : 1) + (hasAlpha ? 1 : 0)
        let nativeFormat: Image.Format = sourceIsColor ? .rgb : .gray
        var raw = [UInt8](repeating: 0, count: width * height * samples)
        if sixteenBit && !hasAlpha {
            // Read the 16-bit samples untouched (linear output of data libpng assumes linear = no conversion)
            // and keep the high byte, as cv2.imread does.
            png.format = (sourceIsColor ? formatFlagColor : 0) | formatFlagLinear
            var wide = [UInt16](repeating: 0, count: width * height * samples)
            let ok = wide.withUnsafeMutableBytes { png_image_finish_read(&png, nil, $0.baseAddress, 0, nil) }
            guard ok != 0 else { throw ImagingError(.corrupt, detail: "PNG data: \(message(of: &png))") }
            for i in 0 ..< wide.count { raw[i] = UInt8(wide[i] >> 8) }
        } else {
            // 8 bits per sample in the source's own colour model (plus alpha if any). Without this flag, 16-bit
            // data lacking gAMA/sRGB would be taken as linear light and gamma-encoded (32768 → 186, not 128).
            png.flags |= imageFlag16BitSRGB
            png.format = (sourceIsColor ? formatFlagColor : 0) | (hasAlpha ? formatFlagAlpha : 0)
            let ok = raw.withUnsafeMutableBytes { png_image_finish_read(&png, nil, $0.baseAddress, 0, nil) }
            guard ok != 0 else { throw ImagingError(.corrupt, detail: "PNG data: \(message(of: &png))") }
        }
        var image: Image
        if hasAlpha {
            let channels = nativeFormat.channels
            image = try Image(width: width, height: height, format: nativeFormat) { out in
                raw.withUnsafeBufferPointer { input in
                    for i in 0 ..< width * height {
                        for c in 0 ..< channels { out[i * channels + c] = input[i * samples + c] }
                    }
                }
            }
        } else {
            image = try Image(width: width, height: height, format: nativeFormat, pixels: raw)
        }
        if let format = options.format, format != image.format { image = image.converted(to: format) }
        let target = options.fittedSize(width: width, height: height)
        if target != (width, height) { image = try image.resized(width: target.width, height: target.height, method: .area) }
        return image
    }

    /// Encodes `image` as an 8-bit PNG (lossless).
    public static func encode(_ image: Image) throws(ImagingError) -> [UInt8] {
        var png = png_image()
        png.version = rollcall_png_image_version
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = image.format == .gray ? rollcall_png_format_gray : rollcall_png_format_rgb
        defer { png_image_free(&png) }
        var size: png_alloc_size_t = 0
        var output: [UInt8] = []
        let ok: Int32 = image.withUnsafePixels { pixels in
            guard png_image_write_to_memory(&png, nil, &size, 0, pixels.baseAddress, 0, nil) != 0 else { return 0 }
            output = [UInt8](repeating: 0, count: Int(size))
            return output.withUnsafeMutableBytes {
                png_image_write_to_memory(&png, $0.baseAddress, &size, 0, pixels.baseAddress, 0, nil)
            }
        }
        guard ok != 0 else { throw ImagingError(.io, detail: "PNG encode: \(message(of: &png))") }
        return Array(output.prefix(Int(size)))
    }

    private static func message(of png: inout png_image) -> String {
        withUnsafeBytes(of: &png.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return bytes.isEmpty ? "unknown libpng error" : String(decoding: bytes, as: UTF8.self)
        }
    }
}

extension Image {
    /// This image as PNG bytes (lossless).
    public func pngData() throws(ImagingError) -> [UInt8] { try PNGCodec.encode(self) }
}
