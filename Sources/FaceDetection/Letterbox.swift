import Imaging

// MediaPipe's ImageToTensorCalculator on CPU with keep_aspect_ratio, BORDER_ZERO and range [-1, 1]:
// the region of interest is the whole image grown to a square around its centre; OpenCV's warpPerspective
// (INTER_LINEAR) maps it onto the S×S tensor as 8-bit RGB, then each byte v becomes v·2/255 − 1.
//
// To give the same bytes, the warp is reproduced as OpenCV computes it: the source coordinate of output pixel
// (x, y) is `left + x·scale` (corners of the region map to corners of the tensor, so no half-pixel shift),
// rounded to 1/32 pixel; the four neighbours are weighted with integer weights summing to 2^15 and the sum is
// rounded back to 8 bits; neighbours outside the image count as 0.

/// Where the letterboxed square lies in the source image, and how tensor coordinates map back.
public struct Letterbox: Sendable, Equatable {
    /// Image size in pixels.
    public let imageWidth: Int
    public let imageHeight: Int
    /// Left and top edge of the square region, in image pixels (negative when the border is padded).
    public let left: Float
    public let top: Float
    /// Side of the square region, in image pixels.
    public let side: Float

    /// The region MediaPipe uses for an image of this size.
    public init(imageWidth: Int, imageHeight: Int) {
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        let w = Float(imageWidth), h = Float(imageHeight)
        side = max(w, h)
        left = 0.5 * w - 0.5 * side
        top = 0.5 * h - 0.5 * side
    }

    /// A square region of `side` pixels with its top-left corner at (`left`, `top`) of an image of this size
    /// (a tile: parts outside the image read as zero, as the whole-image letterbox's border does).
    public init(left: Float, top: Float, side: Float, imageWidth: Int, imageHeight: Int) {
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.left = left
        self.top = top
        self.side = max(1, side)
    }

    /// A point in normalised tensor coordinates → image pixels.
    @inline(__always) public func project(x: Float, y: Float) -> (x: Float, y: Float) {
        // MediaPipe maps to normalised image coordinates; multiplying by the size gives pixels.
        let nx = (left + x * side) / Float(imageWidth), ny = (top + y * side) / Float(imageHeight)
        return (nx * Float(imageWidth), ny * Float(imageHeight))
    }

    /// Writes the S×S×3 float tensor (values in [−1, 1]) for `image` into `output`.
    public func fill(_ output: UnsafeMutablePointer<Float>, size s: Int, from image: Image) {
        let scale = Double(side) / Double(s)
        let left = Double(self.left), top = Double(self.top)
        let width = image.width, height = image.height, channels = image.channels
        let valueScale: Float = 2.0 / 255.0
        // Source coordinate of each output column/row, in 1/32 pixels (as OpenCV's saturate_cast rounds).
        var columns = [(Int, Int)](), rows = [(Int, Int)]()
        columns.reserveCapacity(s)
        rows.reserveCapacity(s)
        for i in 0..<s {
            let fx = Int(((left + Double(i) * scale) * 32).rounded(.toNearestOrEven))
            let fy = Int(((top + Double(i) * scale) * 32).rounded(.toNearestOrEven))
            columns.append((fx >> 5, fx & 31))
            rows.append((fy >> 5, fy & 31))
        }
        image.pixels.withUnsafeBufferPointer { pixels in
            let base = pixels.baseAddress!
            @inline(__always) func pixel(_ x: Int, _ y: Int, _ c: Int) -> Int32 {
                guard x >= 0, x < width, y >= 0, y < height else { return 0 }
                return Int32(base[(y * width + x) * channels + (channels == 1 ? 0 : c)])
            }
            for oy in 0..<s {
                let (sy, ay) = rows[oy]
                let wy0 = Int32(32 - ay), wy1 = Int32(ay)
                for ox in 0..<s {
                    let (sx, ax) = columns[ox]
                    let wx0 = Int32(32 - ax), wx1 = Int32(ax)
                    let out = output + (oy * s + ox) * 3
                    let inside = sx >= 0 && sx + 1 < width && sy >= 0 && sy + 1 < height
                    for c in 0..<3 {
                        let p00, p01, p10, p11: Int32
                        if inside {
                            let cc = channels == 1 ? 0 : c
                            let row0 = (sy * width + sx) * channels + cc, row1 = row0 + width * channels
                            p00 = Int32(base[row0]); p01 = Int32(base[row0 + channels])
                            p10 = Int32(base[row1]); p11 = Int32(base[row1 + channels])
                        } else {
                            p00 = pixel(sx, sy, c); p01 = pixel(sx + 1, sy, c)
                            p10 = pixel(sx, sy + 1, c); p11 = pixel(sx + 1, sy + 1, c)
                        }
                        let sum = (p00 * wx0 * wy0 + p01 * wx1 * wy0 + p10 * wx0 * wy1 + p11 * wx1 * wy1) * 32
                        let byte = min(max((sum + (1 << 14)) >> 15, 0), 255)
                        out[c] = Float(byte) * valueScale - 1
                    }
                }
            }
        }
    }
}
