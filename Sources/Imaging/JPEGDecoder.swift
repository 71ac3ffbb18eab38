// JPEG decoding through libjpeg-turbo's TurboJPEG API, shrinking during decode when the image is too large.
import CTurboJPEG

/// A reusable JPEG decoder (one TurboJPEG handle). Not thread-safe: use one per thread or task.
///
/// Decoding uses TurboJPEG's defaults — accurate integer IDCT and fancy (smooth) chroma upsampling — which are
/// also what `cv2.imread` uses, so pixels match OpenCV's (verified byte-exact against opencv-python 4.10.0 on
/// CelebA, LFW and FER-2013 JPEGs, colour and gray). EXIF orientation is not applied here (`Image.decode` does).
public final class JPEGDecoder {
    private let handle: tjhandle

    /// Creates a decoder; throws only if TurboJPEG cannot allocate its state.
    public init() throws(ImagingError) {
        guard let handle = tjInitDecompress() else {
            throw ImagingError(.io, detail: "TurboJPEG could not create a decompressor")
        }
        self.handle = handle
    }

    deinit { tjDestroy(handle) }

    /// The header of a JPEG: its size and whether it is grayscale.
    public struct Header: Sendable, Equatable {
        /// Width in pixels.
        public var width: Int
        /// Height in pixels.
        public var height: Int
        /// True for a single-component (grayscale) JPEG.
        public var isGray: Bool
    }

    /// Reads only the header.
    public func header(_ bytes: UnsafeRawBufferPointer) throws(ImagingError) -> Header {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            throw ImagingError(.corrupt, detail: "JPEG: no data")
        }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw ImagingError(.corrupt, detail: "JPEG header: \(lastError())")
        }
        guard width > 0, height > 0 else {
            throw ImagingError(.invalidDimensions, detail: "JPEG header claims \(width)×\(height)")
        }
        return Header(width: Int(width), height: Int(height), isGray: colorspace == Int32(TJCS_GRAY.rawValue))
    }

    /// Decodes a JPEG, shrinking by a DCT scaling factor during decode when it exceeds `options.maxPixels`
    /// (then finishing with an area resize to the exact fitted size). A JPEG whose full size is over
    /// `options.pixelLimit` is decoded at the largest scale within the limit (down to 1/8); beyond that it is
    /// refused with `tooLarge` before anything is allocated.
    public func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions = DecodeOptions()) throws(ImagingError) -> Image {
        guard bytes.count <= options.byteLimit else {
            throw ImagingError(.tooLarge, detail: "JPEG of \(bytes.count) bytes exceeds the limit of \(options.byteLimit)")
        }
        let info = try header(bytes)
        let format = options.format ?? (info.isGray ? .gray : .rgb)
        let target = options.fittedSize(width: info.width, height: info.height)
        let (width, height) = try scaledSize(of: info, fitting: target.width * target.height, limit: options.pixelLimit)
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw ImagingError(.corrupt, detail: "JPEG: no data")
        }
        var flags = Int32(TJFLAG_LIMITSCANS)
        if !options.acceptJPEGWarnings { flags |= Int32(TJFLAG_STOPONWARNING) }
        let pixelFormat = format == .gray ? TJPF_GRAY : TJPF_RGB
        var failure: String?
        let decoded = try Image(width: width, height: height, format: format) { buffer in
            let status = tjDecompress2(handle, base, UInt(bytes.count), buffer.baseAddress, Int32(width), 0,
                                       Int32(height), Int32(pixelFormat.rawValue), flags)
            if status != 0 {
                let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
                if !(isWarning && options.acceptJPEGWarnings) { failure = lastError() }
            }
        }
        if let failure { throw ImagingError(.corrupt, detail: "JPEG: \(failure)") }
        if decoded.width * decoded.height > target.width * target.height {
            return try decoded.resized(width: target.width, height: target.height, method: .area)
        }
        return decoded
    }

    /// The smallest TurboJPEG scaled size holding at least `wanted` pixels (so the final area resize only
    /// shrinks), or, when that is over `limit`, the largest one within `limit`; refuses when none is.
    private func scaledSize(of info: Header, fitting wanted: Int, limit: Int) throws(ImagingError) -> (Int, Int) {
        var count: Int32 = 0
        var candidates: [(Int, Int)] = [(info.width, info.height)]
        if let factors = tjGetScalingFactors(&count), count > 0 {
            for i in 0 ..< Int(count) {
                let f = factors[i]
                guard f.num > 0, f.denom > 0, f.num < f.denom else { continue } // shrinking factors only
                // TJSCALED: ceil(dimension * num / denom)
                let w = (info.width * Int(f.num) + Int(f.denom) - 1) / Int(f.denom)
                let h = (info.height * Int(f.num) + Int(f.denom) - 1) / Int(f.denom)
                candidates.append((w, h))
            }
        }
        candidates.sort { $0.0 * $0.1 < $1.0 * $1.1 }
        if let enough = candidates.first(where: { $0.0 * $0.1 >= wanted }), enough.0 * enough.1 <= limit {
            return enough
        }
        guard let within = candidates.last(where: { $0.0 * $0.1 <= limit }) else {
            throw ImagingError(.tooLarge, detail: "JPEG of \(info.width)×\(info.height) cannot be decoded within the limit of \(limit) pixels")
        }
        return within
    }

    private func lastError() -> String {
        guard let message = tjGetErrorStr2(handle) else { return "unknown TurboJPEG error" }
        return String(cString: message)
    }
}
