// FaceChip: dlib's face chip (dlib/image_transforms/interpolation.h: get_face_chip_details for 5 landmarks,
// then extract_image_chips with bilinear interpolation), reproduced step by step so that the chip, and so the
// embedding, matches dlib's.
//
// 1. Template: dlib's mean positions of the 5 landmarks in a unit face, padded: p' = (padding + p)/(1 + 2·padding),
//    times `size`. 2. Umeyama similarity template → image landmarks; its angle and scale define a rotated
//    rectangle centred on the image of the chip centre, `size·scale` wide (dlib's centered_drect: the corners
//    are ±(w−1)/2 from the centre). 3. The chip's corner pixels (0,0), (size−1,0), (0,size−1) map to that
//    rectangle's corners rotated about its centre; each chip pixel samples the image bilinearly (dlib's
//    interpolate_bilinear: both neighbours must lie inside the image, else black; the blend is truncated to a
//    byte). 4. When the chip is much smaller than the face (the rectangle halved still covers more pixels than
//    the chip), dlib first shrinks the image with pyramid_down<2>; `FacePyramid` does the same.
import Foundation
import Imaging

/// Where a face chip lies in an image: a rectangle (dlib's drectangle: left, top, right, bottom with width
/// right − left + 1) rotated by `angle` about its centre, sampled onto `size`×`size` pixels.
public struct FaceChipPlacement: Sendable, Equatable {
    public var left: Double
    public var top: Double
    public var right: Double
    public var bottom: Double
    /// Rotation in radians (image x axis towards y axis).
    public var angle: Double
    /// Chip side in pixels.
    public var size: Int

    /// dlib's five-landmark template (right eye outer, right eye inner, left eye outer, left eye inner,
    /// nose base) in unit face coordinates, as in get_face_chip_details.
    static let template: [(x: Double, y: Double)] = [
        (x: 0.8595674595992, y: 0.2134981538014),
        (x: 0.6460604764104, y: 0.2289674387677),
        (x: 0.1205750620789, y: 0.2137274526848),
        (x: 0.3340850613712, y: 0.2290642403242),
        (x: 0.4901123135679, y: 0.6277975316475),
    ]

    /// dlib's get_face_chip_details for 5 landmarks (in dlib's 5-point order) with `size` and `padding`.
    public init(landmarks: [Point], size: Int = 150, padding: Double = 0.25) throws(RecognitionError) {
        guard landmarks.count == 5, landmarks.allSatisfy({ $0.x.isFinite && $0.y.isFinite }), size > 0, padding >= 0 else {
            throw RecognitionError(.invalidInput, detail: "face chip needs 5 finite landmarks, a positive size and padding ≥ 0")
        }
        let s = Double(size)
        let from = Self.template.map { p in
            (x: (padding + p.x) / (2 * padding + 1) * s, y: (padding + p.y) / (2 * padding + 1) * s)
        }
        guard let tform = Imaging.AffineTransform.similarity(mapping: from, to: landmarks.map { (x: Double($0.x), y: Double($0.y)) })
        else {
            throw RecognitionError(.invalidInput, detail: "the face chip's landmarks define no similarity")
        }
        // Image of the unit x vector: rotation and scale.
        let px = tform.a, py = tform.d
        let scale = (px * px + py * py).squareRoot()
        guard scale.isFinite, scale > 1e-6 else {
            throw RecognitionError(.invalidInput, detail: "the face chip's landmarks all coincide")
        }
        angle = atan2(py, px)
        let centre = tform.apply(x: s / 2, y: s / 2)
        let half = (s * scale - 1) / 2
        left = centre.x - half
        right = centre.x + half
        top = centre.y - half
        bottom = centre.y + half
        self.size = size
    }

    /// Width as dlib counts it (right − left + 1).
    var width: Double { right - left + 1 }
    var height: Double { bottom - top + 1 }

    /// The map from chip pixel (x, y) to image coordinates, for a rectangle given in some image's frame.
    static func chipToImage(left: Double, top: Double, right: Double, bottom: Double, angle: Double,
                            size: Int) -> Imaging.AffineTransform {
        let cx = (left + right) / 2, cy = (top + bottom) / 2
        let cs = cos(angle), sn = sin(angle)
        func rotate(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
            let dx = x - cx, dy = y - cy
            return (x: cs * dx - sn * dy + cx, y: sn * dx + cs * dy + cy)
        }
        let last = Double(size - 1)
        return Imaging.AffineTransform(mapping: [(x: 0, y: 0), (x: last, y: 0), (x: 0, y: last)],
                               to: [rotate(left, top), rotate(right, top), rotate(left, bottom)]) ?? .identity
    }
}

/// Extracts dlib-identical face chips.
public enum FaceChip {
    /// The chip at `placement` from `image` (gray or RGB; the chip has the image's format).
    public static func extract(from image: Image, placement: FaceChipPlacement) throws(RecognitionError) -> Image {
        let chipArea = Double(placement.size * placement.size)
        // dlib's pyramid depth: halve the rectangle while the halved one still covers more than the chip.
        var rect = (placement.left, placement.top, placement.right, placement.bottom)
        var levels = 0
        while true {
            let down = PyramidDown2.rectDown(rect)
            guard (down.2 - down.0 + 1) * (down.3 - down.1 + 1) > chipArea else { break }
            rect = down
            levels += 1
        }
        var source = image
        if levels > 0 {
            // dlib pyramids a crop of the image around the chip (rotated rectangle grown by a border) and
            // maps the rectangle into each level; the crop's origin cancels out except at the image border,
            // so the whole image is pyramided here with the same rectangle arithmetic.
            let crop = PyramidDown2.cropBounds(of: placement, in: image)
            source = try PyramidDown2.crop(image, crop)
            rect = (placement.left - Double(crop.left), placement.top - Double(crop.top),
                    placement.right - Double(crop.left), placement.bottom - Double(crop.top))
            for _ in 0 ..< levels {
                source = try PyramidDown2.apply(source)
                rect = PyramidDown2.rectDown(rect)
            }
        }
        let map = FaceChipPlacement.chipToImage(left: rect.0, top: rect.1, right: rect.2, bottom: rect.3,
                                                angle: placement.angle, size: placement.size)
        return try sample(source, map: map, size: placement.size)
    }

    /// Bilinear sampling exactly as dlib's interpolate_bilinear + transform_image (black outside).
    static func sample(_ image: Image, map: Imaging.AffineTransform, size: Int) throws(RecognitionError) -> Image {
        let channels = image.channels
        var out = [UInt8](repeating: 0, count: size * size * channels)
        let w = image.width, h = image.height
        image.pixels.withUnsafeBufferPointer { px in
            for r in 0 ..< size {
                for c in 0 ..< size {
                    let x = map.a * Double(c) + map.b * Double(r) + map.c
                    let y = map.d * Double(c) + map.e * Double(r) + map.f
                    let fx = x.rounded(.down), fy = y.rounded(.down)
                    guard fx >= 0, fy >= 0, fx + 1 < Double(w), fy + 1 < Double(h) else { continue }
                    let left = Int(fx), top = Int(fy)
                    let lr = x - fx, tb = y - fy
                    let i00 = (top * w + left) * channels, i10 = i00 + channels
                    let i01 = i00 + w * channels, i11 = i01 + channels
                    let o = (r * size + c) * channels
                    for k in 0 ..< channels {
                        let v = (1 - tb) * ((1 - lr) * Double(px[i00 + k]) + lr * Double(px[i10 + k]))
                            + tb * ((1 - lr) * Double(px[i01 + k]) + lr * Double(px[i11 + k]))
                        out[o + k] = UInt8(max(0, min(255, v)))
                    }
                }
            }
        }
        return try makeImage(width: size, height: size, format: image.format, pixels: out)
    }
}
