// HOGBoxLattice: the only boxes dlib's HOG frontal face detector can report.
//
// The detector (`get_frontal_face_detector()`, run as `detector(image, 1)`: the image is first doubled with
// `pyramid_up`) slides an 80×80-pixel window, 10×10 HOG cells of 8 pixels, over an image pyramid whose levels
// shrink by 5/6. A detection at cell (c, r) of level l becomes an image box by dlib's fixed arithmetic:
// cell → level pixels (`fhog_to_image` with the 10-cell filter padding: (p − 3)·8 + 1, moved 4 pixels into
// the cell), level → doubled image (`pyramid_down<6>::point_up`, l times x ↦ 1.2·x + 0.3, rounded half away
// from zero), doubled → original image (`pyramid_down<2>::point_down`: x/2 − 1.25, y/2 − 0.75, rounded).
// So HOG boxes sit on a lattice: a few sizes ~1.2× apart, positions in steps of ~1.2^l·4 pixels. The
// 5-point predictor was trained from such boxes, and its landmarks (and dlib's descriptor) move when the box
// moves by a pixel, so snapping an estimated box onto the lattice reproduces dlib's own starting box whenever
// the estimate lies within half a step of it. (Checked: every box in `dlib-lfw-sample.json` is a lattice box.)

import Foundation

/// The boxes of dlib's HOG frontal face detector at one 2× upsampling, and the one nearest an estimate.
public enum HOGBoxLattice {
    /// The box a detection at HOG cell (`column`, `row`) of pyramid level `level` reports.
    public static func box(column: Int, row: Int, level: Int) -> DlibRectangle {
        // The 10×10-cell window centred on (column, row): cells column−5 … column+4.
        let topLeft = cellToLevelPixels(x: column - 5, y: row - 5)
        let bottomRight = cellToLevelPixels(x: column + 4, y: row + 4)
        func up(_ v: Int) -> Int {
            var x = Double(v)
            for _ in 0 ..< level { x = x * 1.2 + 0.3 }
            return Int(x.rounded())
        }
        func downX(_ v: Int) -> Int { Int((Double(v) / 2 - 1.25).rounded()) }
        func downY(_ v: Int) -> Int { Int((Double(v) / 2 - 0.75).rounded()) }
        return DlibRectangle(left: downX(up(topLeft.x)), top: downY(up(topLeft.y)),
                             right: downX(up(bottomRight.x)), bottom: downY(up(bottomRight.y)))
    }

    /// A HOG cell's corner in its level's pixels (dlib's `fhog_to_image` for a 10-cell filter).
    static func cellToLevelPixels(x: Int, y: Int) -> (x: Int, y: Int) {
        let px = (x - 3) * 8 + 1, py = (y - 3) * 8 + 1
        return (px + (px >= 0 ? 4 : -4), py + (py >= 0 ? 4 : -4))
    }

    /// The lattice box closest to `estimate` (least sum of absolute corner differences), searching the
    /// pyramid levels and cells around it.
    public static func nearest(to estimate: DlibRectangle) -> DlibRectangle {
        // A level-l box spans 72 level pixels: about 36·1.2^l original pixels.
        let side = Double(max(estimate.right - estimate.left, 1))
        let levelGuess = Int((log(side / 36) / log(1.2)).rounded())
        var best = estimate, bestCost = Int.max
        for level in max(0, levelGuess - 1) ... max(0, levelGuess + 1) {
            let scale = pow(1.2, Double(level))
            // Invert the left/top edge approximately: edge ≈ ((cell − 8)·8 + 5)·scale / 2.
            let column = Int(((2 * Double(estimate.left) / scale - 5) / 8 + 8).rounded())
            let row = Int(((2 * Double(estimate.top) / scale - 5) / 8 + 8).rounded())
            for c in column - 2 ... column + 2 {
                for r in row - 2 ... row + 2 {
                    let candidate = box(column: c, row: r, level: level)
                    let cost = abs(candidate.left - estimate.left) + abs(candidate.top - estimate.top)
                        + abs(candidate.right - estimate.right) + abs(candidate.bottom - estimate.bottom)
                    if cost < bestCost {
                        best = candidate
                        bestCost = cost
                    }
                }
            }
        }
        return best
    }
}
