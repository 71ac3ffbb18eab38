// Conversion of an 8-bit image into a float32 buffer for a network input: value = byte · scale[c] + offset[c].

/// Memory layout of a float image buffer.
public enum TensorLayout: Sendable, Equatable {
    /// HWC: channels interleaved per pixel (Rollcall's NHWC convention with batch 1).
    case interleaved
    /// CHW: one full plane per channel.
    case planar
}

extension Image {
    /// Number of floats `writeFloats` writes (`width · height · channels`).
    public var floatCount: Int { pixelCount * channels }

    /// Writes every sample as `Float(byte) * scale[c] + offset[c]` into `destination` (which must hold
    /// `floatCount` floats) in `layout`. `scale` and `offset` hold either one value for all channels or one
    /// per channel (R, G, B order). Examples: [-1, 1] is `scale: [2/255], offset: [-1]`; dlib's ResNet input is
    /// `scale: [1/256], offset: [-122.782/256, -117.001/256, -104.298/256]`.
    public func writeFloats(into destination: UnsafeMutableBufferPointer<Float>, layout: TensorLayout = .interleaved,
                            scale: [Float] = [1], offset: [Float] = [0]) throws(ImagingError) {
        let cn = channels
        guard destination.count >= floatCount else {
            throw ImagingError(.invalidDimensions, detail: "float buffer of \(destination.count) for \(floatCount) values")
        }
        guard scale.count == 1 || scale.count == cn, offset.count == 1 || offset.count == cn else {
            throw ImagingError(.invalidDimensions, detail: "scale/offset need 1 or \(cn) values, got \(scale.count)/\(offset.count)")
        }
        let scales = (0 ..< cn).map { scale.count == 1 ? scale[0] : scale[$0] }
        let offsets = (0 ..< cn).map { offset.count == 1 ? offset[0] : offset[$0] }
        let count = pixelCount
        pixels.withUnsafeBufferPointer { src in
            for c in 0 ..< cn {
                let s = scales[c], o = offsets[c]
                switch layout {
                case .interleaved:
                    for i in 0 ..< count { destination[i * cn + c] = Float(src[i * cn + c]) * s + o }
                case .planar:
                    let plane = c * count
                    for i in 0 ..< count { destination[plane + i] = Float(src[i * cn + c]) * s + o }
                }
            }
        }
    }

    /// The samples as a new float array; see `writeFloats(into:layout:scale:offset:)`.
    public func floats(layout: TensorLayout = .interleaved, scale: [Float] = [1], offset: [Float] = [0]) throws(ImagingError) -> [Float] {
        var result = [Float](repeating: 0, count: floatCount)
        try result.withUnsafeMutableBufferPointer { (buffer) throws(ImagingError) in
            try writeFloats(into: buffer, layout: layout, scale: scale, offset: offset)
        }
        return result
    }
}
