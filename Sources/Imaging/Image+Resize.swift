// Resizing: bilinear (two pixel-centre conventions, one of them OpenCV's exact fixed point) and area averaging.

/// How `Image.resized` samples the source.
///
/// Coordinates: pixel i covers [i, i+1) and its centre is at i + 0.5 ("half-pixel centres"). An output pixel
/// at column `dx` samples the source at `sx = (dx + 0.5) · srcWidth / dstWidth − 0.5` (rows alike), clamped to
/// [0, srcWidth − 1]; the four neighbours floor(sx), floor(sx)+1 (clamped) are blended.
public enum ResizeMethod: Sendable, Equatable {
    /// Half-pixel bilinear in Float arithmetic, rounded to nearest (ties up). Same convention as OpenCV
    /// INTER_LINEAR, TensorFlow `half_pixel_centers` and PyTorch `align_corners=False`, without their
    /// fixed-point rounding; differs from `bilinearOpenCV` by at most 1 per sample.
    case bilinear
    /// A bit-exact reproduction of `cv2.resize(…, interpolation=INTER_LINEAR)` for 8-bit images: the same
    /// half-pixel mapping computed as OpenCV does (Float, clamped at the borders), weights quantised to
    /// 11 bits (`round(w · 2048)`), a horizontal pass into 32-bit sums, then OpenCV's vertical fixed-point
    /// blend `((b0·(S0>>4))>>16 + (b1·(S1>>4))>>16 + 2) >> 2`. Use it wherever a reference was made with cv2
    /// (the emotion model's 48→64 resize). Checked against opencv-python 4.10.0 (IPP on or off gives the same
    /// bytes). OpenCV switches to INTER_AREA for exact 2× shrinking; this does not.
    case bilinearOpenCV
    /// Area averaging (box filter with fractional coverage, like OpenCV INTER_AREA when shrinking): each output
    /// pixel is the coverage-weighted mean of the source pixels under it, rounded to nearest. Meant for
    /// shrinking; when enlarging it degenerates towards nearest neighbour — use a bilinear method there.
    case area
}

extension Image {
    /// This image resized to `width`×`height` with `method` (default `.bilinear`).
    public func resized(width: Int, height: Int, method: ResizeMethod = .bilinear) throws(ImagingError) -> Image {
        guard width > 0, height > 0, width <= 1 << 16, height <= 1 << 16 else {
            throw ImagingError(.invalidDimensions, detail: "resize to \(width)×\(height)")
        }
        if width == self.width, height == self.height { return self }
        var output = [UInt8](repeating: 0, count: width * height * channels)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                switch method {
                case .bilinear:
                    resizeBilinear(source, destination, width, height)
                case .bilinearOpenCV:
                    resizeBilinearOpenCV(source, destination, width, height)
                case .area:
                    resizeArea(source, destination, width, height)
                }
            }
        }
        return Image(unchecked: width, height: height, format: format, pixels: output)
    }

    // MARK: Half-pixel bilinear, Float

    private struct Taps {
        var index0: [Int]
        var index1: [Int]
        var fraction: [Float]

        init(source: Int, destination: Int) {
            let scale = Float(source) / Float(destination)
            index0 = []; index1 = []; fraction = []
            for d in 0 ..< destination {
                let s = min(max((Float(d) + 0.5) * scale - 0.5, 0), Float(source - 1))
                let i = Int(s.rounded(.down))
                index0.append(i)
                index1.append(min(i + 1, source - 1))
                fraction.append(s - Float(i))
            }
        }
    }

    private func resizeBilinear(_ src: UnsafeBufferPointer<UInt8>, _ dst: UnsafeMutableBufferPointer<UInt8>,
                                _ dstWidth: Int, _ dstHeight: Int) {
        let xs = Taps(source: width, destination: dstWidth), ys = Taps(source: height, destination: dstHeight)
        let cn = channels, srcRow = width * cn
        for dy in 0 ..< dstHeight {
            let r0 = ys.index0[dy] * srcRow, r1 = ys.index1[dy] * srcRow, fy = ys.fraction[dy]
            for dx in 0 ..< dstWidth {
                let c0 = xs.index0[dx] * cn, c1 = xs.index1[dx] * cn, fx = xs.fraction[dx]
                for c in 0 ..< cn {
                    let top = Float(src[r0 + c0 + c]) * (1 - fx) + Float(src[r0 + c1 + c]) * fx
                    let bottom = Float(src[r1 + c0 + c]) * (1 - fx) + Float(src[r1 + c1 + c]) * fx
                    let value = top * (1 - fy) + bottom * fy
                    dst[(dy * dstWidth + dx) * cn + c] = UInt8(min(255, (value + 0.5).rounded(.down)))
                }
            }
        }
    }

    // MARK: OpenCV INTER_LINEAR, fixed point

    /// OpenCV's per-axis source indices and 11-bit weights (as `resize.cpp` computes them). Columns clamp both the
    /// index and the fraction at the borders; rows clamp only the two row indices and keep the fraction, so
    /// the first and last output rows blend a row with itself under two truncating weights — a quirk that
    /// makes them up to 1 lower than rounding would, reproduced here.
    private static func openCVTaps(source: Int, destination: Int, clampFraction: Bool)
        -> (first: [Int], second: [Int], weights: [(Int32, Int32)]) {
        let scale = 1.0 / (Double(destination) / Double(source))
        var first: [Int] = [], second: [Int] = [], weights: [(Int32, Int32)] = []
        for d in 0 ..< destination {
            var f = Float((Double(d) + 0.5) * scale - 0.5)
            var s = Int(f.rounded(.down))
            f -= Float(s)
            if clampFraction {
                if s < 0 { f = 0; s = 0 }
                if s >= source - 1 { f = 0; s = source - 1 }
            }
            // saturate_cast<short>(x * 2048) rounds half to even, as cvRound does.
            let w0 = Int32(((1 - f) * 2048).rounded(.toNearestOrEven))
            let w1 = Int32((f * 2048).rounded(.toNearestOrEven))
            first.append(min(max(s, 0), source - 1))
            second.append(min(max(s + 1, 0), source - 1))
            weights.append((w0, w1))
        }
        return (first, second, weights)
    }

    private func resizeBilinearOpenCV(_ src: UnsafeBufferPointer<UInt8>, _ dst: UnsafeMutableBufferPointer<UInt8>,
                                      _ dstWidth: Int, _ dstHeight: Int) {
        let xs = Self.openCVTaps(source: width, destination: dstWidth, clampFraction: true)
        let ys = Self.openCVTaps(source: height, destination: dstHeight, clampFraction: false)
        let cn = channels, rowLength = dstWidth * cn
        // Horizontal pass of one source row into 32-bit sums scaled by 2048.
        func horizontal(_ sy: Int, into row: inout [Int32]) {
            let base = sy * width * cn
            for dx in 0 ..< dstWidth {
                let s0 = xs.first[dx], s1 = xs.second[dx]
                let (a0, a1) = xs.weights[dx]
                for c in 0 ..< cn {
                    row[dx * cn + c] = Int32(src[base + s0 * cn + c]) * a0 + Int32(src[base + s1 * cn + c]) * a1
                }
            }
        }
        var rowA = [Int32](repeating: 0, count: rowLength), rowB = rowA
        var loadedA = -1, loadedB = -1
        for dy in 0 ..< dstHeight {
            let sy0 = ys.first[dy], sy1 = ys.second[dy]
            let (b0, b1) = ys.weights[dy]
            if loadedA != sy0 {
                if loadedB == sy0 { swap(&rowA, &rowB); swap(&loadedA, &loadedB) } else { horizontal(sy0, into: &rowA); loadedA = sy0 }
            }
            if loadedB != sy1 { horizontal(sy1, into: &rowB); loadedB = sy1 }
            let out = dy * rowLength
            for i in 0 ..< rowLength {
                let v = ((b0 &* (rowA[i] >> 4)) >> 16) &+ ((b1 &* (rowB[i] >> 4)) >> 16) &+ 2
                dst[out + i] = UInt8(truncatingIfNeeded: v >> 2)
            }
        }
    }

    // MARK: Area averaging

    /// For each output index, the source indices it covers and their coverage weights (summing to 1).
    private static func areaTaps(source: Int, destination: Int) -> [[(Int, Float)]] {
        let scale = Double(source) / Double(destination)
        return (0 ..< destination).map { d in
            let start = Double(d) * scale, end = min(Double(d + 1) * scale, Double(source))
            var taps: [(Int, Float)] = []
            var s = Int(start.rounded(.down))
            while Double(s) < end, s < source {
                let covered = min(end, Double(s + 1)) - max(start, Double(s))
                if covered > 1e-9 { taps.append((s, Float(covered / (end - start)))) }
                s += 1
            }
            if taps.isEmpty { taps.append((min(s, source - 1), 1)) }
            return taps
        }
    }

    private func resizeArea(_ src: UnsafeBufferPointer<UInt8>, _ dst: UnsafeMutableBufferPointer<UInt8>,
                            _ dstWidth: Int, _ dstHeight: Int) {
        let xs = Self.areaTaps(source: width, destination: dstWidth)
        let ys = Self.areaTaps(source: height, destination: dstHeight)
        let cn = channels, rowLength = dstWidth * cn
        var accumulated = [Float](repeating: 0, count: rowLength)
        var horizontal = [Float](repeating: 0, count: rowLength)
        for dy in 0 ..< dstHeight {
            for i in 0 ..< rowLength { accumulated[i] = 0 }
            for (sy, wy) in ys[dy] {
                let base = sy * width * cn
                for dx in 0 ..< dstWidth {
                    for c in 0 ..< cn {
                        var sum: Float = 0
                        for (sx, wx) in xs[dx] { sum += Float(src[base + sx * cn + c]) * wx }
                        horizontal[dx * cn + c] = sum
                    }
                }
                for i in 0 ..< rowLength { accumulated[i] += horizontal[i] * wy }
            }
            let out = dy * rowLength
            for i in 0 ..< rowLength { dst[out + i] = UInt8(min(255, max(0, (accumulated[i] + 0.5).rounded(.down)))) }
        }
    }
}
