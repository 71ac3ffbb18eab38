// JPEG encoding through TurboJPEG (used for face crops sent over the wire).
import CTurboJPEG

/// A reusable JPEG encoder (one TurboJPEG handle). Not thread-safe: use one per thread or task.
public final class JPEGEncoder {
    private let handle: tjhandle

    /// Creates an encoder; throws only if TurboJPEG cannot allocate its state.
    public init() throws(ImagingError) {
        guard let handle = tjInitCompress() else {
            throw ImagingError(.io, detail: "TurboJPEG could not create a compressor")
        }
        self.handle = handle
    }

    deinit { tjDestroy(handle) }

    /// Encodes `image` as a baseline JPEG. `quality` is 1…100 (clamped); colour images use 4:2:0 chroma
    /// subsampling below quality 90 and 4:4:4 from 90 up; gray images are single-component JPEGs.
    public func encode(_ image: Image, quality: Int = 90) throws(ImagingError) -> [UInt8] {
        let quality = Int32(min(100, max(1, quality)))
        let pixelFormat = image.format == .gray ? TJPF_GRAY : TJPF_RGB
        let subsampling = image.format == .gray ? TJSAMP_GRAY : (quality >= 90 ? TJSAMP_444 : TJSAMP_420)
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.withUnsafePixels { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(image.width), 0, Int32(image.height),
                        Int32(pixelFormat.rawValue), &output, &size, Int32(subsampling.rawValue), quality, 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            let message = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown TurboJPEG error"
            throw ImagingError(.io, detail: "JPEG encode of \(image.width)×\(image.height): \(message)")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}

extension Image {
    /// This image as JPEG bytes at `quality` (1…100); see `JPEGEncoder.encode`.
    public func jpegData(quality: Int = 90) throws(ImagingError) -> [UInt8] {
        try JPEGEncoder().encode(self, quality: quality)
    }
}
