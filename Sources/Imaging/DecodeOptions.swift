// What a caller wants from a decoder, and the limits that keep hostile files from exhausting memory.

/// Options for `Image.decode`.
///
/// Memory policy: no decoder allocates a pixel buffer of more than `pixelLimit` pixels. JPEG can shrink while
/// decoding (TurboJPEG's DCT scaling factors 1/8 … 1), so a JPEG larger than `maxPixels` is decoded directly at
/// the smallest scale still at least that large, then finished with an area resize; a JPEG over `pixelLimit` is
/// decoded at the largest scale within it. A 12000×9000 photo never exists at full size.
/// PNG and PNM cannot shrink while decoding: they are decoded whole when the header is within `pixelLimit`, then
/// downscaled to `maxPixels` with an area resize, and refused (`tooLarge`) beyond that — before any allocation.
public struct DecodeOptions: Sendable, Equatable {
    /// Pixel format of the result; nil keeps the source's (gray stays gray; colour becomes RGB).
    /// Colour → gray uses ITU-R 601 weights (see `Image.converted(to:)`); JPEG gray comes straight from the
    /// decoder's luma channel, as libjpeg (and so `cv2.imread(…, IMREAD_GRAYSCALE)`) produces it.
    public var format: Image.Format?
    /// When set, the result is downscaled (aspect ratio kept) so that width × height ≤ this.
    public var maxPixels: Int?
    /// Hard ceiling on the pixels of any buffer allocated while decoding. Default 40 megapixels.
    public var pixelLimit: Int
    /// Inputs larger than this many bytes are refused before being read. Default 256 MiB.
    public var byteLimit: Int
    /// Accept JPEGs that libjpeg decodes with a warning (for example extraneous bytes before a marker).
    /// Truncated data is a warning too, so it is refused only while this is false (the default).
    public var acceptJPEGWarnings: Bool
    /// Turn JPEGs upright according to their EXIF orientation tag, as `cv2.imread` does by default (phone
    /// photos are often stored sideways). Default true.
    public var applyEXIFOrientation: Bool

    /// Creates options; every parameter has the documented default.
    public init(format: Image.Format? = nil, maxPixels: Int? = nil, pixelLimit: Int = 40_000_000,
                byteLimit: Int = 256 << 20, acceptJPEGWarnings: Bool = false, applyEXIFOrientation: Bool = true) {
        self.format = format
        self.maxPixels = maxPixels
        self.pixelLimit = pixelLimit
        self.byteLimit = byteLimit
        self.acceptJPEGWarnings = acceptJPEGWarnings
        self.applyEXIFOrientation = applyEXIFOrientation
    }

    /// The size an image of `width`×`height` is brought down to so it fits `maxPixels` (itself if it fits).
    func fittedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        guard let maxPixels, maxPixels > 0, width * height > maxPixels else { return (width, height) }
        let factor = (Double(maxPixels) / Double(width * height)).squareRoot()
        var w = max(1, Int((Double(width) * factor).rounded(.down)))
        var h = max(1, Int((Double(height) * factor).rounded(.down)))
        while w * h > maxPixels, w > 1 || h > 1 {
            if w >= h { w -= 1 } else { h -= 1 }
        }
        return (w, h)
    }

    /// Throws `tooLarge` when a header's size exceeds `pixelLimit` (checked before allocating).
    func checkPixelLimit(width: Int, height: Int, what: String) throws(ImagingError) {
        guard width > 0, height > 0 else {
            throw ImagingError(.invalidDimensions, detail: "\(what) header claims \(width)×\(height)")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= pixelLimit else {
            throw ImagingError(.tooLarge, detail: "\(what) of \(width)×\(height) exceeds the limit of \(pixelLimit) pixels")
        }
    }
}
