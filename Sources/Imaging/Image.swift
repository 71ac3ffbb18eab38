/// An 8-bit image in memory: `height` rows of `width` pixels, each pixel `channels` interleaved bytes
/// (1 = gray, 3 = RGB), rows packed with no padding.
///
/// The pixel buffer's size is checked at construction, so every `Image` that exists is well formed.
public struct Image: Sendable, Equatable {
    /// Pixel layout.
    public enum Format: Int, Sendable, Codable {
        /// One byte per pixel.
        case gray = 1
        /// Three bytes per pixel, red first.
        case rgb = 3

        /// Bytes per pixel.
        public var channels: Int { rawValue }
    }

    /// Width in pixels (≥ 1).
    public let width: Int
    /// Height in pixels (≥ 1).
    public let height: Int
    /// Pixel layout.
    public let format: Format
    /// `width * height * format.channels` bytes, row-major.
    public private(set) var pixels: [UInt8]

    /// Bytes per pixel.
    public var channels: Int { format.channels }

    /// Wraps `pixels`; throws if the size does not match or a dimension is not positive.
    public init(width: Int, height: Int, format: Format, pixels: [UInt8]) throws(ImagingError) {
        guard width > 0, height > 0 else {
            throw ImagingError(.invalidDimensions, detail: "\(width)×\(height)")
        }
        let (count, overflow) = width.multipliedReportingOverflow(by: height * format.channels)
        guard !overflow, pixels.count == count else {
            throw ImagingError(.invalidDimensions,
                               detail: "\(width)×\(height)×\(format.channels) needs \(count) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// Wraps a buffer the caller guarantees is well formed (module-internal fast path).
    init(unchecked width: Int, height: Int, format: Format, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * format.channels)
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// A black image of the given size.
    public init(width: Int, height: Int, format: Format) throws(ImagingError) {
        guard width > 0, height > 0, width <= 1 << 16, height <= 1 << 16 else {
            throw ImagingError(.invalidDimensions, detail: "\(width)×\(height)")
        }
        try self.init(width: width, height: height, format: format,
                      pixels: [UInt8](repeating: 0, count: width * height * format.channels))
    }

    /// Creates an image whose bytes `body` writes: the buffer passed in has exactly
    /// `width * height * format.channels` bytes, initially zero.
    public init(width: Int, height: Int, format: Format,
                filling body: (UnsafeMutableBufferPointer<UInt8>) throws(ImagingError) -> Void) throws(ImagingError) {
        var image = try Image(width: width, height: height, format: format)
        try image.pixels.withUnsafeMutableBufferPointer { (buffer) throws(ImagingError) in try body(buffer) }
        self = image
    }

    /// Number of pixels (`width * height`).
    public var pixelCount: Int { width * height }

    /// Bytes per row (`width * channels`).
    public var rowBytes: Int { width * channels }

    /// The byte of channel `channel` of pixel (`x`, `y`); the indices must be in range.
    @inlinable public subscript(x: Int, y: Int, channel: Int) -> UInt8 {
        pixels[(y * width + x) * format.channels + channel]
    }

    /// Read-only access to the pixel bytes without copying.
    public func withUnsafePixels<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try pixels.withUnsafeBufferPointer { try body($0) }
    }

    /// Mutable access to the pixel bytes without copying.
    public mutating func withUnsafeMutablePixels<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try pixels.withUnsafeMutableBufferPointer { try body($0) }
    }
}
