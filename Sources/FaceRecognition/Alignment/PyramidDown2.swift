// PyramidDown2: dlib's pyramid_down<2> (dlib/image_transforms/image_pyramid.h), which extract_image_chips
// uses before sampling a chip from a much larger face: a separable [1 4 6 4 1] filter, every other row and
// column kept, integer arithmetic (sum of 256 weights, truncated division), output ((h−3)/2)×((w−3)/2); and
// its coordinate map p ↦ p/2 − (1.25, 0.75).
import Foundation
import Imaging

enum PyramidDown2 {
    typealias Rect = (Double, Double, Double, Double)  // left, top, right, bottom

    /// dlib's rect_down: both corners through point_down.
    static func rectDown(_ r: Rect) -> Rect {
        (r.0 / 2 - 1.25, r.1 / 2 - 0.75, r.2 / 2 - 1.25, r.3 / 2 - 0.75)
    }

    /// An integer crop rectangle (inclusive bounds).
    struct Crop { var left: Int, top: Int, right: Int, bottom: Int }

    /// The region dlib pyramids for one chip: the rotated rectangle's rounded corners, grown by a border
    /// that doubles (+2) per pyramid level, clipped to the image.
    static func cropBounds(of p: FaceChipPlacement, in image: Image) -> Crop {
        let chipArea = Double(p.size * p.size)
        var grow = 2
        var rect = rectDown((p.left, p.top, p.right, p.bottom))
        while (rect.2 - rect.0 + 1) * (rect.3 - rect.1 + 1) > chipArea {
            rect = rectDown(rect)
            grow = grow * 2 + 2
        }
        let cx = (p.left + p.right) / 2, cy = (p.top + p.bottom) / 2
        let cs = cos(p.angle), sn = sin(p.angle)
        var l = Int.max, t = Int.max, r = Int.min, b = Int.min
        for (x, y) in [(p.left, p.top), (p.right, p.top), (p.left, p.bottom), (p.right, p.bottom)] {
            let dx = x - cx, dy = y - cy
            let px = Int((cs * dx - sn * dy + cx + 0.5).rounded(.down))
            let py = Int((sn * dx + cs * dy + cy + 0.5).rounded(.down))
            l = min(l, px); t = min(t, py); r = max(r, px); b = max(b, py)
        }
        return Crop(left: max(0, l - grow), top: max(0, t - grow),
                    right: min(image.width - 1, r + grow), bottom: min(image.height - 1, b + grow))
    }

    /// The pixels of `crop` (which may be empty, giving a 1×1 black image).
    static func crop(_ image: Image, _ c: Crop) throws(RecognitionError) -> Image {
        let w = c.right - c.left + 1, h = c.bottom - c.top + 1
        guard w > 0, h > 0 else { return try makeImage(width: 1, height: 1, format: image.format, pixels: nil) }
        let ch = image.channels
        var out = [UInt8](repeating: 0, count: w * h * ch)
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0 ..< h {
                let src = ((c.top + y) * image.width + c.left) * ch
                for i in 0 ..< w * ch { out[y * w * ch + i] = px[src + i] }
            }
        }
        return try makeImage(width: w, height: h, format: image.format, pixels: out)
    }

    /// One level down. Images of 8 rows or columns or fewer give a 1×1 black image (dlib: empty).
    static func apply(_ image: Image) throws(RecognitionError) -> Image {
        guard image.width > 8, image.height > 8 else {
            return try makeImage(width: 1, height: 1, format: image.format, pixels: nil)
        }
        let ch = image.channels
        let tw = (image.width - 3) / 2, h = image.height
        let ow = tw, oh = (image.height - 3) / 2
        var temp = [UInt32](repeating: 0, count: h * tw * ch)
        image.pixels.withUnsafeBufferPointer { px in
            for r in 0 ..< h {
                for c in 0 ..< tw {
                    let base = (r * image.width + 2 * c) * ch
                    for k in 0 ..< ch {
                        let v = UInt32(px[base + k]) + 4 * UInt32(px[base + ch + k]) + 6 * UInt32(px[base + 2 * ch + k])
                            + 4 * UInt32(px[base + 3 * ch + k]) + UInt32(px[base + 4 * ch + k])
                        temp[(r * tw + c) * ch + k] = v
                    }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: ow * oh * ch)
        var dr = 0
        var r = 2
        while r < h - 2, dr < oh {
            for c in 0 ..< tw {
                for k in 0 ..< ch {
                    func t(_ row: Int) -> UInt32 { temp[(row * tw + c) * ch + k] }
                    let v = t(r - 2) + 4 * t(r - 1) + 6 * t(r) + 4 * t(r + 1) + t(r + 2)
                    out[(dr * ow + c) * ch + k] = UInt8(min(255, v / 256))
                }
            }
            dr += 1
            r += 2
        }
        return try makeImage(width: ow, height: oh, format: image.format, pixels: out)
    }
}

/// An image from computed pixels (or black), mapping Imaging's size check to a RecognitionError.
func makeImage(width: Int, height: Int, format: Image.Format, pixels: [UInt8]?) throws(RecognitionError) -> Image {
    do {
        if let pixels { return try Image(width: width, height: height, format: format, pixels: pixels) }
        return try Image(width: width, height: height, format: format)
    } catch {
        throw RecognitionError(.invalidInput, detail: "image \(width)×\(height): \(error)")
    }
}
