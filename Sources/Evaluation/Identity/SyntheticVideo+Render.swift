// Drawing the frames of a synthetic clip: a generated background per shot (gradient, furniture-like blocks,
// sensor noise), each person's head cut from their portrait with a soft elliptical edge, shrunk with area
// averaging to the planned size, and a plain occluder over the faces that are hidden.
import Foundation
import Imaging
import RollcallCore

extension SyntheticVideo {
    /// The head region is this many face widths wide around the face's centre.
    static let headSpan: Float = 2.0

    /// Draws frame `index` of the clip (RGB).
    public func frame(_ index: Int) throws(ImagingError) -> Image {
        var remaining = index
        for shot in shots {
            if remaining < shot.frames { return try render(shot, frame: remaining) }
            remaining -= shot.frames
        }
        throw ImagingError(.invalidDimensions, detail: "frame \(index) is past the clip's \(frameCount) frames")
    }

    /// Writes every frame as JPEG (`frame_00000.jpg` …) and `truth.json` into `folder` (created if needed).
    public func write(to folder: URL, quality: Int = 90) throws -> [FrameTruth] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let truth = self.truth()
        let encoder = try JPEGEncoder()
        for frame in truth {
            let image = try self.frame(frame.index)
            try Data(try encoder.encode(image, quality: quality)).write(to: folder.appendingPathComponent(frame.name))
        }
        let json = JSONEncoder()
        json.outputFormatting = [.sortedKeys]
        try json.encode(truth).write(to: folder.appendingPathComponent("truth.json"))
        return truth
    }

    func render(_ shot: Shot, frame k: Int) throws(ImagingError) -> Image {
        var canvas = try background(shot)
        let w = options.width, h = options.height
        for actor in shot.actors {
            let (center, width) = position(of: actor, frame: k, of: shot.frames)
            let portrait = portraits[actor.portrait]
            let head = try headPatch(portrait, faceWidth: width)
            let side = head.width
            let x0 = Int((center.x - Float(side) / 2).rounded()), y0 = Int((center.y - Float(side) / 2).rounded())
            let radius = Float(side) / 2
            head.withUnsafePixels { src in
                canvas.withUnsafeMutablePixels { dst in
                    for y in 0 ..< side where y0 + y >= 0 && y0 + y < h {
                        for x in 0 ..< side where x0 + x >= 0 && x0 + x < w {
                            // Soft ellipse, a little narrower than tall, feathered over its outer 15%.
                            let dx = (Float(x) + 0.5 - radius) / (0.8 * radius), dy = (Float(y) + 0.5 - radius) / radius
                            let r = (dx * dx + dy * dy).squareRoot()
                            let alpha = min(1, max(0, (1 - r) / 0.15))
                            guard alpha > 0 else { continue }
                            let s = (y * side + x) * 3, d = ((y0 + y) * w + x0 + x) * 3
                            for c in 0 ..< 3 {
                                let v = alpha * Float(src[s + c]) + (1 - alpha) * Float(dst[d + c])
                                dst[d + c] = UInt8(min(255, max(0, v.rounded())))
                            }
                        }
                    }
                }
            }
        }
        // Occluders last: they hide whatever is behind them.
        for rect in occluders(shot, frame: k) {
            let left = max(0, Int(rect.x)), right = min(w, Int(rect.x + rect.width))
            let top = max(0, Int(rect.y)), bottom = min(h, Int(rect.y + rect.height))
            guard left < right, top < bottom else { continue }
            canvas.withUnsafeMutablePixels { dst in
                for y in top ..< bottom {
                    for x in left ..< right {
                        let d = (y * w + x) * 3
                        dst[d] = 96; dst[d + 1] = 84; dst[d + 2] = 72
                    }
                }
            }
        }
        return canvas
    }

    /// The portrait's head region scaled so that the face is `faceWidth` wide (RGB, square).
    func headPatch(_ portrait: Portrait, faceWidth: Float) throws(ImagingError) -> Image {
        let scale = faceWidth / portrait.face.width
        let sourceSide = Self.headSpan * portrait.face.width
        let c = portrait.face.center
        let cut = try portrait.image.cropped(x: Int((c.x - sourceSide / 2).rounded()), y: Int((c.y - sourceSide / 2).rounded()),
                                            width: Int(sourceSide.rounded()), height: Int(sourceSide.rounded()),
                                            outside: .replicate)
        let side = max(4, Int((sourceSide * scale).rounded()))
        let rgb = cut.format == .rgb ? cut : cut.converted(to: .rgb)
        return try rgb.resized(width: side, height: side, method: side < rgb.width ? .area : .bilinear)
    }

    /// The shot's background: a vertical gradient between two colours, a dozen blocks, and noise.
    func background(_ shot: Shot) throws(ImagingError) -> Image {
        var random = SplitMix64(seed: shot.backgroundSeed)
        let w = options.width, h = options.height
        func colour() -> (Float, Float, Float) {
            (Float.random(in: 40 ... 220, using: &random), Float.random(in: 40 ... 220, using: &random),
             Float.random(in: 40 ... 220, using: &random))
        }
        let top = colour(), bottom = colour()
        var blocks = [(Int, Int, Int, Int, (Float, Float, Float))]()
        for _ in 0 ..< 12 {
            let bw = Int.random(in: w / 12 ... w / 3, using: &random), bh = Int.random(in: h / 10 ... h / 2, using: &random)
            blocks.append((Int.random(in: 0 ... w - bw, using: &random), Int.random(in: 0 ... h - bh, using: &random), bw, bh, colour()))
        }
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0 ..< h {
            let t = Float(y) / Float(max(1, h - 1))
            let row = (top.0 + (bottom.0 - top.0) * t, top.1 + (bottom.1 - top.1) * t, top.2 + (bottom.2 - top.2) * t)
            for x in 0 ..< w {
                var c = row
                for b in blocks where x >= b.0 && x < b.0 + b.2 && y >= b.1 && y < b.1 + b.3 { c = b.4 }
                let noise = Float(Int(random.next() % 13) - 6)
                let i = (y * w + x) * 3
                pixels[i] = UInt8(min(255, max(0, c.0 + noise)))
                pixels[i + 1] = UInt8(min(255, max(0, c.1 + noise)))
                pixels[i + 2] = UInt8(min(255, max(0, c.2 + noise)))
            }
        }
        return try Image(width: w, height: h, format: .rgb, pixels: pixels)
    }
}
