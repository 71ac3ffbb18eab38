// Bad enrollment photos made from good ones (the pinned demo photos), for the enrollment check's tests:
// blurred, shrunk, two people side by side, a head turned to a profile.
import Foundation
import Imaging

enum PhotoVariants {
    /// `image` blurred with a Gaussian of standard deviation `sigma` pixels (separable, edges replicated).
    static func blurred(_ image: Image, sigma: Float) throws -> Image {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius ... radius).map { Float(exp(-Double($0 * $0) / Double(2 * sigma * sigma))) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        let w = image.width, h = image.height, c = image.channels
        func pass(_ src: [UInt8], horizontal: Bool) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: src.count)
            for y in 0 ..< h {
                for x in 0 ..< w {
                    for k in 0 ..< c {
                        var sum: Float = 0
                        for (i, weight) in kernel.enumerated() {
                            let d = i - radius
                            let sx = horizontal ? min(w - 1, max(0, x + d)) : x
                            let sy = horizontal ? y : min(h - 1, max(0, y + d))
                            sum += weight * Float(src[(sy * w + sx) * c + k])
                        }
                        out[(y * w + x) * c + k] = UInt8(min(255, max(0, sum.rounded())))
                    }
                }
            }
            return out
        }
        return try Image(width: w, height: h, format: image.format,
                         pixels: pass(pass(image.pixels, horizontal: true), horizontal: false))
    }

    /// `image` scaled by `factor` (area averaging when shrinking).
    static func scaled(_ image: Image, by factor: Float) throws -> Image {
        try image.resized(width: max(1, Int(Float(image.width) * factor)), height: max(1, Int(Float(image.height) * factor)),
                          method: factor < 1 ? .area : .bilinear)
    }

    /// `left` and `right` side by side, `right` scaled to `left`'s height.
    static func sideBySide(_ left: Image, _ right: Image) throws -> Image {
        let r = try right.resized(width: max(1, right.width * left.height / right.height), height: left.height)
        let a = left.format == .rgb ? left : left.converted(to: .rgb), b = r.format == .rgb ? r : r.converted(to: .rgb)
        var pixels = [UInt8]()
        pixels.reserveCapacity((a.width + b.width) * a.height * 3)
        for y in 0 ..< a.height {
            pixels += a.pixels[(y * a.width * 3) ..< ((y + 1) * a.width * 3)]
            pixels += b.pixels[(y * b.width * 3) ..< ((y + 1) * b.width * 3)]
        }
        return try Image(width: a.width + b.width, height: a.height, format: .rgb, pixels: pixels)
    }

    /// The head around `face` turned by `degrees` about the vertical axis, the head taken as a cylinder of
    /// 1.2 face widths: the near side stretches, the far side disappears behind it (painted dark), so the face
    /// shows as a profile. Rows outside the head are left alone.
    static func turned(_ image: Image, face: Rect, degrees: Float) throws -> Image {
        let rgb = image.format == .rgb ? image : image.converted(to: .rgb)
        let w = rgb.width, h = rgb.height
        let cx = face.center.x, radius = 0.6 * face.width, phi = degrees * .pi / 180
        let top = max(0, Int(face.y - 0.3 * face.width)), bottom = min(h, Int(face.y + 1.2 * face.width))
        var pixels = rgb.pixels
        for y in top ..< bottom {
            for x in 0 ..< w {
                let u = (Float(x) - cx) / radius
                guard abs(u) <= 1 else { continue }
                let theta = asin(u) - phi
                let o = (y * w + x) * 3
                guard abs(theta) <= .pi / 2 else {
                    pixels[o] = 30; pixels[o + 1] = 30; pixels[o + 2] = 30
                    continue
                }
                let sx = cx + radius * sin(theta)
                let x0 = min(w - 1, max(0, Int(sx.rounded(.down)))), x1 = min(w - 1, x0 + 1), t = sx - Float(x0)
                for k in 0 ..< 3 {
                    let a = Float(rgb.pixels[(y * w + x0) * 3 + k]), b = Float(rgb.pixels[(y * w + x1) * 3 + k])
                    pixels[o + k] = UInt8(min(255, max(0, (a + (b - a) * t).rounded())))
                }
            }
        }
        return try Image(width: w, height: h, format: .rgb, pixels: pixels)
    }
}
