import Imaging
import Neural

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
    ///
    /// The bytes are `fillReference`'s (the tests compare them); the work per tensor cell is smaller: source
    /// columns, rows and weights are computed once per call, rows lying wholly in the letterbox border are
    /// written at once, and the cells whose four neighbours lie in the image run in Neural's
    /// `sampleRowFixedPoint` (per instruction set, `isa`: default `KernelDispatch.active.isa`); only border cells
    /// check bounds.
    public func fill(_ output: UnsafeMutablePointer<Float>, size s: Int, from image: Image,
                     isa: InstructionSet = KernelDispatch.active.isa) {
        let width = image.width, height = image.height, channels = image.channels
        let (columns, columnWeights) = sourceGrid(Double(left), size: s)
        let (rows, rowWeights) = sourceGrid(Double(top), size: s)
        // Columns whose neighbours x and x + 1 both lie in the image: one run [firstInside, endInside).
        var firstInside = s, endInside = s
        for i in 0..<s where columns[i] >= 0 && columns[i] + 1 < width {
            if firstInside == s { firstInside = i }
            endInside = i + 1
        }
        let inside = firstInside..<endInside
        let offsets = inside.map { Int32(truncatingIfNeeded: columns[$0] * channels) }
        let insideWeights = Array(columnWeights[inside])
        image.pixels.withUnsafeBufferPointer { pixels in
            guard let base = pixels.baseAddress else { return }
            let imageEnd = base + pixels.count
            for oy in 0..<s {
                let sy = rows[oy], wy1 = rowWeights[oy]
                let out = output + oy * s * 3
                guard sy >= 0, sy + 1 < height else {
                    // Both source rows outside the image: the letterbox border, all zero bytes.
                    if sy < -1 || sy >= height { out.update(repeating: -1, count: s * 3); continue }
                    for ox in 0..<s {
                        borderCell(out + ox * 3, base, width, height, channels, columns[ox], columnWeights[ox], sy, wy1)
                    }
                    continue
                }
                for ox in 0..<firstInside {
                    borderCell(out + ox * 3, base, width, height, channels, columns[ox], columnWeights[ox], sy, wy1)
                }
                if !inside.isEmpty {
                    let row0 = base + sy * width * channels
                    sampleRowFixedPoint(row0: row0, row1: row0 + width * channels, channels: channels, offsets: offsets,
                                        xWeights: insideWeights, count: inside.count, yWeight: wy1,
                                        imageEnd: imageEnd, output: out + firstInside * 3, isa: isa)
                }
                for ox in endInside..<s {
                    borderCell(out + ox * 3, base, width, height, channels, columns[ox], columnWeights[ox], sy, wy1)
                }
            }
        }
    }

    /// Source pixel and 1/32-pixel fraction of each of the `s` output positions along one axis starting at `origin`.
    private func sourceGrid(_ origin: Double, size s: Int) -> ([Int], [Int32]) {
        let scale = Double(side) / Double(s)
        var pixels = [Int](repeating: 0, count: s), fractions = [Int32](repeating: 0, count: s)
        for i in 0..<s {
            let f = Int(((origin + Double(i) * scale) * 32).rounded(.toNearestOrEven))
            pixels[i] = f >> 5
            fractions[i] = Int32(f & 31)
        }
        return (pixels, fractions)
    }

    /// One tensor cell whose neighbours may lie outside the image (those read as 0).
    @inline(__always)
    private func borderCell(_ cell: UnsafeMutablePointer<Float>, _ base: UnsafePointer<UInt8>, _ width: Int, _ height: Int,
                            _ channels: Int, _ sx: Int, _ wx1: Int32, _ sy: Int, _ wy1: Int32) {
        let wx0 = 32 - wx1, wy0 = 32 - wy1
        for c in 0..<3 {
            let k = channels == 1 ? 0 : c
            @inline(__always) func pixel(_ x: Int, _ y: Int) -> Int32 {
                guard x >= 0, x < width, y >= 0, y < height else { return 0 }
                return Int32(base[(y * width + x) * channels + k])
            }
            let upper = pixel(sx, sy) * wx0 + pixel(sx + 1, sy) * wx1
            let lower = pixel(sx, sy + 1) * wx0 + pixel(sx + 1, sy + 1) * wx1
            cell[c] = Float(min(max(((upper * wy0 + lower * wy1) * 32 + (1 << 14)) >> 15, 0), 255)) * (2.0 / 255.0) - 1
        }
    }

    /// `fill` written plainly, one bounds-checked neighbour at a time (the reference its tests compare with).
    public func fillReference(_ output: UnsafeMutablePointer<Float>, size s: Int, from image: Image) {
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
