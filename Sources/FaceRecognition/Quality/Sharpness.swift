// Sharpness of a face region: variance of the 4-neighbour Laplacian of its luma, sampled on a grid of at most
// 64×64 points so that the cost does not grow with the face size.
import Imaging

/// Focus measures over image regions.
public enum Sharpness {
    /// Grid size the region is sampled at (per side).
    static let grid = 64

    /// Variance of the Laplacian of the luma inside `box` (clamped to the image); 0 for a region too small to measure.
    ///
    /// The region is sampled at a stride so that at most `grid`×`grid` points are visited; the Laplacian uses
    /// neighbours one stride away, so the measure compares like with like across face sizes.
    public static func laplacianVariance(of image: Image, in box: Rect) -> Float {
        let x0 = max(0, Int(box.x.rounded(.down))), y0 = max(0, Int(box.y.rounded(.down)))
        let x1 = min(image.width, Int((box.x + box.width).rounded(.up)))
        let y1 = min(image.height, Int((box.y + box.height).rounded(.up)))
        guard x1 - x0 >= 3, y1 - y0 >= 3 else { return 0 }
        let stride = max(1, max(x1 - x0, y1 - y0) / grid)
        let channels = image.channels, rowBytes = image.width * channels
        let pixels = image.pixels
        @inline(__always) func luma(_ x: Int, _ y: Int) -> Float {
            let i = y * rowBytes + x * channels
            if channels == 1 { return Float(pixels[i]) }
            return 0.299 * Float(pixels[i]) + 0.587 * Float(pixels[i + 1]) + 0.114 * Float(pixels[i + 2])
        }
        var sum: Double = 0, sumSquares: Double = 0, count = 0
        var y = y0 + stride
        while y < y1 - stride {
            var x = x0 + stride
            while x < x1 - stride {
                let value = luma(x - stride, y) + luma(x + stride, y) + luma(x, y - stride) + luma(x, y + stride)
                    - 4 * luma(x, y)
                sum += Double(value)
                sumSquares += Double(value) * Double(value)
                count += 1
                x += stride
            }
            y += stride
        }
        guard count > 1 else { return 0 }
        let mean = sum / Double(count)
        return Float(max(0, sumSquares / Double(count) - mean * mean))
    }
}
