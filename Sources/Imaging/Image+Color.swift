// Colour conversions: RGB ↔ gray, and packed YUYV (YUV 4:2:2, as V4L2 cameras deliver it) → RGB.

extension Image {
    /// This image in `format`.
    ///
    /// RGB → gray uses the ITU-R BT.601 luma weights 0.299 R + 0.587 G + 0.114 B in OpenCV's fixed point —
    /// `(4899 R + 9617 G + 1868 B + 8192) >> 14` — so the result equals `cv2.cvtColor(…, COLOR_RGB2GRAY)`
    /// byte for byte. Gray → RGB copies the value into all three channels.
    public func converted(to format: Format) -> Image {
        guard format != self.format else { return self }
        let count = pixelCount
        var output = [UInt8](repeating: 0, count: count * format.channels)
        pixels.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                if format == .gray {
                    for i in 0 ..< count {
                        let r = Int(input[3 * i]), g = Int(input[3 * i + 1]), b = Int(input[3 * i + 2])
                        out[i] = UInt8((4899 * r + 9617 * g + 1868 * b + 8192) >> 14)
                    }
                } else {
                    for i in 0 ..< count {
                        let v = input[i]
                        out[3 * i] = v
                        out[3 * i + 1] = v
                        out[3 * i + 2] = v
                    }
                }
            }
        }
        // The size is unchanged and already valid, so this cannot fail.
        return Image(unchecked: width, height: height, format: format, pixels: output)
    }

    /// Converts a packed YUYV (V4L2_PIX_FMT_YUYV: Y0 U Y1 V for each pair of pixels) frame to RGB.
    ///
    /// Uses ITU-R BT.601 limited ("video") range, as webcams send it, in the same 20-bit fixed point as
    /// OpenCV's `COLOR_YUV2RGB_YUYV`: R = 1.164 (Y−16) + 1.596 (V−128), G = 1.164 (Y−16) − 0.391 (U−128) −
    /// 0.813 (V−128), B = 1.164 (Y−16) + 2.018 (U−128), clamped to 0…255. `width` must be even;
    /// `bytesPerLine` defaults to `2 * width` (drivers may pad rows).
    public static func fromYUYV(_ bytes: UnsafeRawBufferPointer, width: Int, height: Int,
                                bytesPerLine: Int? = nil) throws(ImagingError) -> Image {
        guard width > 0, height > 0, width % 2 == 0, width <= 1 << 16, height <= 1 << 16 else {
            throw ImagingError(.invalidDimensions, detail: "YUYV frame \(width)×\(height) (width must be even)")
        }
        let rowStride = bytesPerLine ?? 2 * width
        guard rowStride >= 2 * width else {
            throw ImagingError(.invalidDimensions, detail: "YUYV stride \(rowStride) is below 2 × width \(2 * width)")
        }
        let needed = rowStride * (height - 1) + 2 * width
        guard bytes.count >= needed else {
            throw ImagingError(.corrupt, detail: "YUYV frame of \(width)×\(height) needs \(needed) bytes, got \(bytes.count)")
        }
        let cy = 1_220_542, cub = 2_116_026, cug = -409_993, cvg = -852_492, cvr = 1_673_527
        let half = 1 << 19
        @inline(__always) func clamp(_ v: Int) -> UInt8 { UInt8(min(255, max(0, v >> 20))) }
        return try Image(width: width, height: height, format: .rgb) { out in
            for y in 0 ..< height {
                let row = y * rowStride
                var o = y * width * 3
                for x in stride(from: 0, to: 2 * width, by: 4) {
                    let u = Int(bytes[row + x + 1]) - 128, v = Int(bytes[row + x + 3]) - 128
                    let ruv = half + cvr * v, guv = half + cvg * v + cug * u, buv = half + cub * u
                    let luma0 = max(0, Int(bytes[row + x]) - 16) * cy
                    let luma1 = max(0, Int(bytes[row + x + 2]) - 16) * cy
                    out[o] = clamp(luma0 + ruv)
                    out[o + 1] = clamp(luma0 + guv)
                    out[o + 2] = clamp(luma0 + buv)
                    out[o + 3] = clamp(luma1 + ruv)
                    out[o + 4] = clamp(luma1 + guv)
                    out[o + 5] = clamp(luma1 + buv)
                    o += 6
                }
            }
        }
    }
}
