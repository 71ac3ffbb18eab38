// Cropping with an explicit policy for the part of the requested rectangle outside the image.

/// What `Image.cropped` does with the part of the rectangle that lies outside the image.
public enum CropOutside: Sendable, Equatable {
    /// Shrink the rectangle to its intersection with the image (the result may be smaller than asked).
    case clamp
    /// Keep the requested size; pixels outside the image take this value in every channel.
    case fill(UInt8)
    /// Keep the requested size; pixels outside repeat the nearest edge pixel.
    case replicate
}

extension Image {
    /// The pixels of columns `x ..< x + width`, rows `y ..< y + height` (integer pixel indices; may extend past
    /// the image, handled by `outside`). Throws `invalidDimensions` for a non-positive size, or when `.clamp`
    /// leaves nothing.
    public func cropped(x: Int, y: Int, width: Int, height: Int, outside: CropOutside = .clamp) throws(ImagingError) -> Image {
        guard width > 0, height > 0, width <= 1 << 16, height <= 1 << 16 else {
            throw ImagingError(.invalidDimensions, detail: "crop of \(width)×\(height)")
        }
        var (x0, y0, w, h) = (x, y, width, height)
        if outside == .clamp {
            let left = max(0, x), top = max(0, y)
            let right = min(self.width, x + width), bottom = min(self.height, y + height)
            guard right > left, bottom > top else {
                throw ImagingError(.invalidDimensions,
                                   detail: "crop (\(x), \(y), \(width)×\(height)) lies outside the \(self.width)×\(self.height) image")
            }
            (x0, y0, w, h) = (left, top, right - left, bottom - top)
        }
        let cn = channels, srcRow = rowBytes, srcWidth = self.width, srcHeight = self.height
        var fillValue: UInt8?
        if case .fill(let value) = outside { fillValue = value }
        var output = [UInt8](repeating: fillValue ?? 0, count: w * h * cn)
        pixels.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                for row in 0 ..< h {
                    var sy = y0 + row
                    if sy < 0 || sy >= srcHeight {
                        guard fillValue == nil else { continue }
                        sy = min(max(sy, 0), srcHeight - 1)
                    }
                    // Columns inside the image are one contiguous copy; the rest is fill or edge replication.
                    let insideStart = max(x0, 0), insideEnd = min(x0 + w, srcWidth)
                    if insideEnd > insideStart {
                        let count = (insideEnd - insideStart) * cn
                        let from = sy * srcRow + insideStart * cn, to = (row * w + insideStart - x0) * cn
                        for i in 0 ..< count { dst[to + i] = src[from + i] }
                    }
                    if fillValue == nil {
                        for col in 0 ..< w where x0 + col < 0 || x0 + col >= srcWidth {
                            let sx = min(max(x0 + col, 0), srcWidth - 1)
                            for c in 0 ..< cn { dst[(row * w + col) * cn + c] = src[sy * srcRow + sx * cn + c] }
                        }
                    }
                }
            }
        }
        return Image(unchecked: w, height: h, format: format, pixels: output)
    }

    /// The pixels covered by `rect` (corner coordinates, as detections use): columns `floor(rect.x)` up to
    /// `ceil(rect.x + rect.width)` exclusive, rows alike. See `cropped(x:y:width:height:outside:)`.
    public func cropped(covering rect: Rect, outside: CropOutside = .clamp) throws(ImagingError) -> Image {
        guard rect.x.isFinite, rect.y.isFinite, rect.width.isFinite, rect.height.isFinite,
              abs(rect.x) < 1e6, abs(rect.y) < 1e6, rect.width < 1e6, rect.height < 1e6 else {
            throw ImagingError(.invalidDimensions, detail: "crop rectangle \(rect) is not finite or absurdly large")
        }
        let left = Int(rect.x.rounded(.down)), top = Int(rect.y.rounded(.down))
        let right = Int((rect.x + rect.width).rounded(.up)), bottom = Int((rect.y + rect.height).rounded(.up))
        return try cropped(x: left, y: top, width: right - left, height: bottom - top, outside: outside)
    }
}
