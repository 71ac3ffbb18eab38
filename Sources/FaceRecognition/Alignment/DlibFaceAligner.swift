// DlibFaceAligner: from a BlazeFace detection to dlib's 150×150 face chip.
//
// dlib's 5-point shape predictor was trained on the boxes of dlib's HOG face detector, and its landmarks
// depend on the box it starts from. BlazeFace's box is shifted and scaled against those, so it is first mapped
// to the HOG box it corresponds to on average (fitted on dlib-lfw-sample.json: left = x − 0.036·w,
// top = y − 0.068·w, side = 0.992·w). Then, `refinements` times, the box is replaced by the one that makes
// the predictor's mean shape fit the landmarks just found (scale and shift only, corrected by the same
// samples' average offset between that fit and the HOG box), and the predictor runs again. This lands the
// box where a HOG box would be for that face, whatever the detector. Optionally (`snapsToHOGLattice`) the box
// is finally snapped onto the lattice of boxes dlib's HOG detector can report (`HOGBoxLattice`), so that when
// the estimate is within half a lattice step the predictor starts from exactly dlib's box, and runs once more.
// The chip is dlib's get_face_chip (padding 0.25) from the final landmarks.
import Foundation
import FaceDetection
import Imaging

/// Aligns detected faces to dlib's chips. Immutable and `Sendable`.
public final class DlibFaceAligner: Sendable {
    /// Tunables, with the defaults measured on LFW.
    public struct Options: Sendable, Equatable {
        /// How many times the box is re-fitted to the landmarks (0 = the mapped detector box only).
        public var refinements: Int
        /// Chip side (dlib: 150).
        public var chipSize: Int
        /// Chip padding around the landmark template (dlib: 0.25).
        public var padding: Double
        /// Whether the refined box is finally snapped onto the boxes dlib's HOG detector can report
        /// (`HOGBoxLattice`) and the predictor run once more from there. Off by default: it reproduces dlib's own
        /// landmarks (and descriptors) more often, but its quantised boxes are slightly less accurate than the
        /// continuous estimate (LFW 98.75% vs 98.92%; docs/performance.md).
        public var snapsToHOGLattice: Bool

        public init(refinements: Int = 2, chipSize: Int = 150, padding: Double = 0.25, snapsToHOGLattice: Bool = false) {
            self.refinements = refinements
            self.chipSize = chipSize
            self.padding = padding
            self.snapsToHOGLattice = snapsToHOGLattice
        }
    }

    /// The 5-point predictor.
    public let predictor: ShapePredictor
    /// Options in force.
    public let options: Options
    let meanShape: [(x: Double, y: Double)]

    public init(predictor: ShapePredictor, options: Options = Options()) {
        self.predictor = predictor
        self.options = options
        self.meanShape = ShapePredictor.points(predictor.file.initialShape)
    }

    /// The HOG-like box for a BlazeFace box (x, y, width in pixels).
    public func initialBox(for box: Rect) -> DlibRectangle {
        let x = Double(box.x), y = Double(box.y), w = Double(max(box.width, 1))
        return Self.rectangle(left: x - 0.036 * w, top: y - 0.068 * w, side: 0.992 * w)
    }

    /// The HOG-like box in which the predictor's mean shape best fits `landmarks` (least squares over a
    /// uniform scale and a shift), corrected by the mean offset of that fit from dlib's HOG boxes.
    public func box(fitting points: [Point]) -> DlibRectangle {
        let landmarks = points.map { (x: Double($0.x), y: Double($0.y)) }
        let n = Double(min(landmarks.count, meanShape.count))
        guard n >= 2 else { return DlibRectangle(left: 0, top: 0, right: 1, bottom: 1) }
        var mx = 0.0, my = 0.0, lx = 0.0, ly = 0.0
        for i in 0 ..< Int(n) {
            mx += meanShape[i].x; my += meanShape[i].y
            lx += landmarks[i].x; ly += landmarks[i].y
        }
        mx /= n; my /= n; lx /= n; ly /= n
        var num = 0.0, den = 0.0
        for i in 0 ..< Int(n) {
            let dx = meanShape[i].x - mx, dy = meanShape[i].y - my
            num += dx * (landmarks[i].x - lx) + dy * (landmarks[i].y - ly)
            den += dx * dx + dy * dy
        }
        let side = den > 0 ? max(num / den, 1) : 1
        return Self.rectangle(left: lx - side * mx - 0.04 * side, top: ly - side * my + 0.03 * side, side: side / 0.99)
    }

    static func rectangle(left: Double, top: Double, side: Double) -> DlibRectangle {
        DlibRectangle(left: Int(left.rounded()), top: Int(top.rounded()),
                      right: Int((left + side).rounded()), bottom: Int((top + side).rounded()))
    }

    /// dlib's 5 landmarks for the face whose detector box is `box` (refined as `options` says).
    public func landmarks(in image: Image, box: Rect) -> [Point] {
        landmarks(gray: GrayView(image), start: initialBox(for: box))
    }

    /// dlib's 5 landmarks starting from a dlib box (e.g. a fallback box when no face was detected).
    public func landmarks(in image: Image, dlibBox: DlibRectangle) -> [Point] {
        landmarks(gray: GrayView(image), start: dlibBox)
    }

    func landmarks(gray: GrayView, start: DlibRectangle) -> [Point] {
        var points = predictor.landmarks(intensity: gray, box: start)
        for _ in 0 ..< options.refinements {
            points = predictor.landmarks(intensity: gray, box: box(fitting: points))
        }
        if options.snapsToHOGLattice {
            points = predictor.landmarks(intensity: gray, box: HOGBoxLattice.nearest(to: box(fitting: points)))
        }
        return points
    }

    /// The chip for landmarks found in `image`.
    public func chip(from image: Image, landmarks: [Point]) throws(RecognitionError) -> Image {
        let placement = try FaceChipPlacement(landmarks: landmarks, size: options.chipSize, padding: options.padding)
        return try FaceChip.extract(from: image, placement: placement)
    }
}
