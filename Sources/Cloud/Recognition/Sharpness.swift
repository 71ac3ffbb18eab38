// Sharpness of a face region: the variance of the 3×3 Laplacian over the box, on gray levels.
import Imaging

enum Sharpness {
    /// Variance of the Laplacian of `image` (converted to gray) inside `box`; 0 for a region under 3×3.
    static func laplacianVariance(_ image: Image, in box: Rect) -> Double {
        let gray = image.format == .gray ? image : image.converted(to: .gray)
        let x0 = max(1, Int(box.x)), y0 = max(1, Int(box.y))
        let x1 = min(gray.width - 1, Int(box.x + box.width)), y1 = min(gray.height - 1, Int(box.y + box.height))
        guard x1 - x0 >= 1, y1 - y0 >= 1 else { return 0 }
        let width = gray.width
        let pixels = gray.pixels
        var sum = 0.0, sumSquares = 0.0, count = 0.0
        for y in y0 ..< y1 {
            let row = y * width
            for x in x0 ..< x1 {
                let centre = Int(pixels[row + x])
                let value = Int(pixels[row + x - 1]) + Int(pixels[row + x + 1]) + Int(pixels[row - width + x])
                    + Int(pixels[row + width + x]) - 4 * centre
                let v = Double(value)
                sum += v
                sumSquares += v * v
                count += 1
            }
        }
        let mean = sum / count
        return max(0, sumSquares / count - mean * mean)
    }
}
