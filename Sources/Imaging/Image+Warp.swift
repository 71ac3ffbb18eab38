// Affine warping with bilinear sampling, with the border and rounding conventions of OpenCV and of dlib.

/// What `Image.warped` does where the bilinear footprint leaves the source image.
public enum WarpBorder: Sendable, Equatable {
    /// Neighbours outside the image count as this value and are blended in (OpenCV `warpAffine` with
    /// `BORDER_CONSTANT`): edges fade smoothly into the border colour.
    case constant(UInt8)
    /// Neighbours outside the image repeat the nearest edge pixel (OpenCV `BORDER_REPLICATE`).
    case replicate
    /// If any of the four neighbours is outside, the output pixel is this value (dlib `transform_image` with
    /// `interpolate_bilinear`: it requires floor(x) ≥ 0, floor(y) ≥ 0, floor(x)+1 < width, floor(y)+1 < height).
    case strict(UInt8)
}

/// How `Image.warped` turns the blended value into a byte.
public enum WarpRounding: Sendable, Equatable {
    /// Round to nearest, ties up.
    case nearest
    /// Truncate towards zero, as dlib's `assign_pixel` from `double` does.
    case truncate
}

extension Image {
    /// Resamples this image through `sourceFromOutput`: output pixel (col, row) takes the bilinear sample of the
    /// source at `sourceFromOutput(col, row)`.
    ///
    /// Coordinates are pixel indices — pixel (i, j) has its centre at (i, j) — which is the convention of both
    /// `cv2.warpAffine` (with `WARP_INVERSE_MAP`) and dlib's `transform_image`. To use corner-based coordinates
    /// (where a pixel's centre is at i + 0.5, as `Point` and detection boxes are), conjugate the map by a
    /// half-pixel shift. Arithmetic is Double, like dlib; to reproduce dlib's `extract_image_chip`, build the map
    /// with `AffineTransform(mapping:to:)` from the chip corners (0,0), (cols−1,0), (0,rows−1) to the rectangle's
    /// corners and use `border: .strict(0), rounding: .truncate` (dlib also first shrinks the source with a
    /// 2× pyramid when the rectangle's area exceeds 4 × the chip's; that step is not done here).
    public func warped(_ sourceFromOutput: AffineTransform, width: Int, height: Int,
                       border: WarpBorder = .constant(0), rounding: WarpRounding = .nearest) throws(ImagingError) -> Image {
        guard width > 0, height > 0, width <= 1 << 16, height <= 1 << 16 else {
            throw ImagingError(.invalidDimensions, detail: "warp to \(width)×\(height)")
        }
        let t = sourceFromOutput
        guard [t.a, t.b, t.c, t.d, t.e, t.f].allSatisfy(\.isFinite) else {
            throw ImagingError(.invalidDimensions, detail: "warp matrix is not finite")
        }
        let cn = channels, srcWidth = self.width, srcHeight = self.height, srcRow = rowBytes
        let roundUp = rounding == .nearest ? 0.5 : 0.0
        var output = [UInt8](repeating: 0, count: width * height * cn)
        pixels.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                for row in 0 ..< height {
                    for col in 0 ..< width {
                        let sx = t.a * Double(col) + t.b * Double(row) + t.c
                        let sy = t.d * Double(col) + t.e * Double(row) + t.f
                        let o = (row * width + col) * cn
                        // Far outside (or NaN-free but huge): every neighbour is outside.
                        guard sx > -2, sy > -2, sx < Double(srcWidth + 1), sy < Double(srcHeight + 1) else {
                            let value: UInt8
                            switch border {
                            case .constant(let v), .strict(let v): value = v
                            case .replicate:
                                let cx = min(max(Int(sx.rounded()), 0), srcWidth - 1)
                                let cy = min(max(Int(sy.rounded()), 0), srcHeight - 1)
                                for c in 0 ..< cn { dst[o + c] = src[cy * srcRow + cx * cn + c] }
                                continue
                            }
                            for c in 0 ..< cn { dst[o + c] = value }
                            continue
                        }
                        let left = Int(sx.rounded(.down)), top = Int(sy.rounded(.down))
                        let fx = sx - Double(left), fy = sy - Double(top)
                        let inside = left >= 0 && top >= 0 && left + 1 < srcWidth && top + 1 < srcHeight
                        if !inside, case .strict(let v) = border {
                            for c in 0 ..< cn { dst[o + c] = v }
                            continue
                        }
                        for c in 0 ..< cn {
                            func sample(_ x: Int, _ y: Int) -> Double {
                                if x >= 0, y >= 0, x < srcWidth, y < srcHeight { return Double(src[y * srcRow + x * cn + c]) }
                                switch border {
                                case .constant(let v), .strict(let v): return Double(v)
                                case .replicate:
                                    return Double(src[min(max(y, 0), srcHeight - 1) * srcRow + min(max(x, 0), srcWidth - 1) * cn + c])
                                }
                            }
                            let value: Double
                            if inside {
                                let p = top * srcRow + left * cn + c
                                let tl = Double(src[p]), tr = Double(src[p + cn])
                                let bl = Double(src[p + srcRow]), br = Double(src[p + srcRow + cn])
                                value = (1 - fy) * ((1 - fx) * tl + fx * tr) + fy * ((1 - fx) * bl + fx * br)
                            } else {
                                value = (1 - fy) * ((1 - fx) * sample(left, top) + fx * sample(left + 1, top))
                                    + fy * ((1 - fx) * sample(left, top + 1) + fx * sample(left + 1, top + 1))
                            }
                            dst[o + c] = UInt8(min(255, max(0, (value + roundUp).rounded(.down))))
                        }
                    }
                }
            }
        }
        return Image(unchecked: width, height: height, format: format, pixels: output)
    }
}
