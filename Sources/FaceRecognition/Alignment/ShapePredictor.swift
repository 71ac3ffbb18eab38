// ShapePredictor: dlib's regression-tree landmark cascade (dlib/image_processing/shape_predictor.h) run on
// a face box, as dlib's shape_predictor::operator() does it:
//
// The shape starts as the mean shape in box-normalised coordinates (the box's top-left corner is (0,0), its
// bottom-right (1,1)). At each cascade level, the similarity taking the mean shape to the current shape
// (its 2×2 part only) carries each feature pixel's offset from its anchor landmark; the pixel's position maps
// through the box into the image, is rounded, and reads the gray intensity there (0 outside). Each tree of
// the level then walks from its root — left when intensity[first] − intensity[second] > threshold — and adds
// its leaf's increment to the shape. Finally the shape maps through the box to image pixels, rounded.
import Foundation
import Imaging
import Neural

/// A face box as dlib's `rectangle`: inclusive integer bounds (width right − left + 1).
public struct DlibRectangle: Sendable, Equatable, Codable {
    public var left: Int
    public var top: Int
    public var right: Int
    public var bottom: Int

    public init(left: Int, top: Int, right: Int, bottom: Int) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }
}

/// dlib's shape predictor (e.g. the 5-point face landmark model), immutable and `Sendable`.
public final class ShapePredictor: Sendable {
    let file: DlibShapePredictorFile
    /// Each level's trees, packed for walking (`PackedForest`).
    let forests: [PackedForest]
    /// Number of landmarks.
    public var partCount: Int { file.partCount }

    /// Loads a predictor from `url`.
    public convenience init(contentsOf url: URL) throws(DlibError) {
        var reader = try DlibReader(contentsOf: url)
        self.init(file: try DlibShapePredictorFile(reading: &reader))
    }

    init(file: DlibShapePredictorFile) {
        self.file = file
        forests = file.levels.map { PackedForest($0.trees, shapeLength: 2 * file.partCount) }
    }

    /// The landmarks of the face in `box`, in image pixels (integers, as dlib rounds them), from the gray
    /// intensities of `image` (RGB is averaged as dlib does: (r + g + b) / 3, truncated).
    public func landmarks(in image: Image, box: DlibRectangle) -> [Point] {
        landmarks(intensity: GrayView(image), box: box)
    }

    func landmarks(intensity: GrayView, box: DlibRectangle) -> [Point] {
        var shape = file.initialShape
        var features = [Float](), offsets = [Int](), leaves = [Int](), gathered = [Float]()
        // unnormalising map: (0,0) → (left, top), (1,1) → (right, bottom).
        let sx = Double(box.right - box.left), sy = Double(box.bottom - box.top)
        let ox = Double(box.left), oy = Double(box.top)
        let meanPoints = Self.points(file.initialShape)
        for (level, forest) in zip(file.levels, forests) {
            let t = Imaging.AffineTransform.similarity(mapping: meanPoints, to: Self.points(shape)) ?? .identity
            let (a, b, c, d) = (Float(t.a), Float(t.b), Float(t.d), Float(t.e))
            let count = level.anchors.count
            if features.count != count {
                features = [Float](repeating: 0, count: count)
                offsets = [Int](repeating: 0, count: count)
            }
            // Where each feature pixel is, then (apart, so that the image's cache misses overlap) what it reads.
            for i in 0 ..< count {
                let anchor = Int(level.anchors[i])
                let dx = level.deltas[2 * i], dy = level.deltas[2 * i + 1]
                let nx = a * dx + b * dy + shape[2 * anchor]
                let ny = c * dx + d * dy + shape[2 * anchor + 1]
                let px = Int((sx * Double(nx) + ox + 0.5).rounded(.down))
                let py = Int((sy * Double(ny) + oy + 0.5).rounded(.down))
                offsets[i] = intensity.offset(x: px, y: py)
            }
            intensity.read(offsets, into: &features)
            forest.apply(features: features, to: &shape, leaves: &leaves, gathered: &gathered)
        }
        // Whole pixels, as dlib rounds them: exact in `Point`'s single precision.
        return (0 ..< file.partCount).map { i in
            Point(x: Float((sx * Double(shape[2 * i]) + ox + 0.5).rounded(.down)),
                  y: Float((sy * Double(shape[2 * i + 1]) + oy + 0.5).rounded(.down)))
        }
    }

    /// A flat [x0, y0, x1, y1, …] shape as points in double precision (the shape's floats convert exactly).
    static func points(_ shape: [Float]) -> [(x: Double, y: Double)] {
        stride(from: 0, to: shape.count, by: 2).map { (x: Double(shape[$0]), y: Double(shape[$0 + 1])) }
    }
}

/// Gray intensities of an image as dlib's get_pixel_intensity gives them, computed on access (the predictor
/// reads a few thousand pixels, far fewer than a photo has).
struct GrayView {
    let width: Int
    let height: Int
    let channels: Int
    let pixels: [UInt8]

    init(_ image: Image) {
        width = image.width
        height = image.height
        channels = image.channels
        pixels = image.pixels
    }

    /// The first byte of pixel (x, y) in `pixels`, or -1 outside the image.
    @inline(__always) func offset(x: Int, y: Int) -> Int {
        guard x >= 0, y >= 0, x < width, y < height else { return -1 }
        return (y * width + x) * channels
    }

    /// The intensity of the pixel at each of `offsets` (from `offset(x:y:)`; 0 for -1) into `values`, which has
    /// room for them.
    func read(_ offsets: [Int], into values: inout [Float]) {
        precondition(values.count >= offsets.count, "\(values.count) values for \(offsets.count) pixels")
        let gray = channels == 1
        pixels.withUnsafeBufferPointer { pixels in
            values.withUnsafeMutableBufferPointer { values in
                for (n, i) in offsets.enumerated() {
                    values[n] = i < 0 ? 0 : gray ? Float(pixels[i])
                        : Float((UInt16(pixels[i]) + UInt16(pixels[i + 1]) + UInt16(pixels[i + 2])) / 3)
                }
            }
        }
    }
}
