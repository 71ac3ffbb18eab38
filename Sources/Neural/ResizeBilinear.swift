// Bilinear resize of HWC float images, with TensorFlow Lite's coordinate conventions (align_corners,
// half_pixel_centers) so RESIZE_BILINEAR matches it bit for bit in structure.

/// How output pixel centres map to input coordinates.
public struct ResizeMode: Sendable, Equatable {
    /// Corner pixels of input and output are aligned: scale = (in−1)/(out−1).
    public var alignCorners: Bool
    /// `in = (out + 0.5)·scale − 0.5` (TF2 / PyTorch / OpenCV convention) instead of `in = out·scale`.
    public var halfPixelCenters: Bool

    public init(alignCorners: Bool = false, halfPixelCenters: Bool = false) {
        self.alignCorners = alignCorners
        self.halfPixelCenters = halfPixelCenters
    }

    /// (lower index, upper index, fraction) of the input coordinate for output index `i`.
    @inline(__always) func sample(_ i: Int, inSize: Int, outSize: Int) -> (Int, Int, Float) {
        let scale: Float = alignCorners && outSize > 1 ? Float(inSize - 1) / Float(outSize - 1)
            : Float(inSize) / Float(outSize)
        let v = halfPixelCenters ? (Float(i) + 0.5) * scale - 0.5 : Float(i) * scale
        let lower = max(Int(v.rounded(.down)), 0)
        let upper = min(Int(v.rounded(.up)), inSize - 1)
        return (lower, upper, v - Float(lower))
    }
}

/// Bilinear resize of an inH×inW×C image to outH×outW×C (TFLite RESIZE_BILINEAR semantics).
/// Fast version: per-row/column sample tables on the stack of the caller's loop, channel inner loop.
public func resizeBilinear(input: UnsafePointer<Float>, inHeight: Int, inWidth: Int, channels c: Int,
                           output: UnsafeMutablePointer<Float>, outHeight: Int, outWidth: Int,
                           mode: ResizeMode = ResizeMode()) {
    for oy in 0..<outHeight {
        let (y0, y1, dy) = mode.sample(oy, inSize: inHeight, outSize: outHeight)
        let row0 = input + y0 * inWidth * c, row1 = input + y1 * inWidth * c
        for ox in 0..<outWidth {
            let (x0, x1, dx) = mode.sample(ox, inSize: inWidth, outSize: outWidth)
            let w00 = (1 - dy) * (1 - dx), w01 = (1 - dy) * dx, w10 = dy * (1 - dx), w11 = dy * dx
            let a = row0 + x0 * c, b = row0 + x1 * c, d = row1 + x0 * c, e = row1 + x1 * c
            let out = output + (oy * outWidth + ox) * c
            for ch in 0..<c { out[ch] = a[ch] * w00 + b[ch] * w01 + d[ch] * w10 + e[ch] * w11 }
        }
    }
}

/// Reference bilinear resize, one element at a time, with TFLite's own formula
/// `top + (bottom − top)·dy` where `top = tl + (tr − tl)·dx`.
public func resizeBilinearNaive(input: UnsafePointer<Float>, inHeight: Int, inWidth: Int, channels c: Int,
                                output: UnsafeMutablePointer<Float>, outHeight: Int, outWidth: Int,
                                mode: ResizeMode = ResizeMode()) {
    for oy in 0..<outHeight {
        for ox in 0..<outWidth {
            for ch in 0..<c {
                let (y0, y1, dy) = mode.sample(oy, inSize: inHeight, outSize: outHeight)
                let (x0, x1, dx) = mode.sample(ox, inSize: inWidth, outSize: outWidth)
                let tl = input[(y0 * inWidth + x0) * c + ch], tr = input[(y0 * inWidth + x1) * c + ch]
                let bl = input[(y1 * inWidth + x0) * c + ch], br = input[(y1 * inWidth + x1) * c + ch]
                let top = tl + (tr - tl) * dx, bottom = bl + (br - bl) * dx
                output[(oy * outWidth + ox) * c + ch] = top + (bottom - top) * dy
            }
        }
    }
}
