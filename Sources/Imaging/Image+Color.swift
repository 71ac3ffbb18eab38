// Colour conversions: RGB ↔ gray, and packed YUYV (YUV 4:2:2, as V4L2 cameras deliver it) → RGB.

extension Image {
    /// This image in `format`.
    ///
    /// RGB → gray uses the ITU-R BT.601 luma weights 0.299 R + 0.587 G + 0.114 B in OpenCV 4.x's 15-bit fixed
    /// point — `(9798 R + 19235 G + 3735 B + 16384) >> 15` — which equals `cv2.cvtColor(…, COLOR_RGB2GRAY)`
    /// byte for byte (checked against opencv-python 4.10.0). Gray → RGB copies the value into all three channels.
    public func converted(to format: Format) -> Image {
        guard format != self.format else { return self }
        let count = pixelCount
        var output = [UInt8](repeating: 0, count: count * format.channels)
        pixels.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                if format == .gray {
                    for i in 0 ..< count {
                        let r = Int(input[3 * i]), g = Int(input[3 * i + 1]), b = Int(input[3 * i + 2])
                        out[i] = UInt8((9798 * r + 19235 * g + 3735 * b + 16384) >> 15)
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

extension Image {
    /// This image as packed YUYV (BT.601 limited range, the inverse of `fromYUYV`; chroma averaged over each
    /// horizontal pair). Used to emulate cameras in tests. Throws for an odd width.
    public func yuyvData() throws(ImagingError) -> [UInt8] {
        guard width % 2 == 0 else { throw ImagingError(.invalidDimensions, detail: "YUYV needs an even width, got \(width)") }
        let rgb = converted(to: .rgb)
        var output = [UInt8](repeating: 0, count: width * height * 2)
        rgb.withUnsafePixels { p in
            for i in stride(from: 0, to: width * height, by: 2) {
                let r0 = Double(p[3 * i]), g0 = Double(p[3 * i + 1]), b0 = Double(p[3 * i + 2])
                let r1 = Double(p[3 * i + 3]), g1 = Double(p[3 * i + 4]), b1 = Double(p[3 * i + 5])
                func luma(_ r: Double, _ g: Double, _ b: Double) -> UInt8 {
                    UInt8(min(235, max(16, (16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256).rounded())))
                }
                let r = (r0 + r1) / 2, g = (g0 + g1) / 2, b = (b0 + b1) / 2
                let u = (128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256).rounded()
                let v = (128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256).rounded()
                output[2 * i] = luma(r0, g0, b0)
                output[2 * i + 1] = UInt8(min(240, max(16, u)))
                output[2 * i + 2] = luma(r1, g1, b1)
                output[2 * i + 3] = UInt8(min(240, max(16, v)))
            }
        }
        return output
    }
}
