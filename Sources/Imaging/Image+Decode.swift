// Entry points for decoding: bytes or a file in, an `Image` or a typed `ImagingError` out.
import Foundation

extension Image {
    /// Decodes JPEG, PNG, PGM or PPM bytes, recognised by their signature (see `ImageFileFormat.sniff`).
    ///
    /// Every failure is an `ImagingError`: `unsupportedFormat` (no known signature, including empty input),
    /// `corrupt` (truncated or damaged), `tooLarge` (over `options.pixelLimit` / `byteLimit`) or
    /// `invalidDimensions` (a header with a zero size).
    public static func decode(_ data: Data, options: DecodeOptions = DecodeOptions()) throws(ImagingError) -> Image {
        let result: Result<Image, ImagingError> = data.withUnsafeBytes { bytes in
            Result { () throws(ImagingError) -> Image in try decode(bytes: bytes, options: options) }
        }
        return try result.get()
    }

    /// Decodes an image from raw bytes; see `decode(_:options:)`.
    public static func decode(bytes: UnsafeRawBufferPointer, options: DecodeOptions = DecodeOptions()) throws(ImagingError) -> Image {
        guard bytes.count > 0 else { throw ImagingError(.unsupportedFormat, detail: "empty input") }
        switch ImageFileFormat.sniff(bytes) {
        case .jpeg?:
            let image = try JPEGDecoder().decode(bytes, options: options)
            guard options.applyEXIFOrientation, let orientation = EXIFReader.orientation(ofJPEG: bytes) else { return image }
            return image.oriented(orientation)
        case .png?: return try PNGCodec.decode(bytes, options: options)
        case .pnm?: return try PNMDecoder.decode(bytes, options: options)
        case nil:
            let prefix = bytes.prefix(4).map { String($0, radix: 16) }.joined(separator: " ")
            throw ImagingError(.unsupportedFormat, detail: "unrecognised signature (first bytes \(prefix))")
        }
    }

    /// Reads and decodes an image file. Files over `options.byteLimit` are refused before reading; the
    /// error carries the path.
    public static func load(contentsOf path: String, options: DecodeOptions = DecodeOptions()) throws(ImagingError) -> Image {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let type = attributes[.type] as? FileAttributeType, type == .typeDirectory {
                throw ImagingError(.io, detail: "is a directory", path: path)
            }
            if let size = attributes[.size] as? Int, size > options.byteLimit {
                throw ImagingError(.tooLarge, detail: "file of \(size) bytes exceeds the limit of \(options.byteLimit)", path: path)
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as ImagingError {
            throw error
        } catch {
            throw ImagingError(.io, detail: "cannot read: \(error.localizedDescription)", path: path)
        }
        do {
            return try decode(data, options: options)
        } catch {
            var located = error
            located.path = path
            throw located
        }
    }
}
