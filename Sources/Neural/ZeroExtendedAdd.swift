// dlib's add_prev on HWC buffers of different shapes: the output has the larger of each dimension, and each
// input contributes zero where it has no element (inputs aligned at the top-left and the first channel).

/// Height, width and channels of an HWC buffer.
public struct HWCShape: Sendable, Equatable, CustomStringConvertible {
    public var height: Int
    public var width: Int
    public var channels: Int
    public init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }
    /// Element count.
    public var count: Int { height * width * channels }
    public var description: String { "\(height)×\(width)×\(channels)" }
}

/// `output = act(a ⊕ b)` where each operand is zero-extended to `outShape`; equal shapes use `add`.
public func addZeroExtended(_ a: UnsafePointer<Float>, _ aShape: HWCShape, _ b: UnsafePointer<Float>, _ bShape: HWCShape,
                            output: UnsafeMutablePointer<Float>, _ outShape: HWCShape, activation: Activation) {
    if aShape == bShape, aShape == outShape {
        add(a, b, output: output, count: outShape.count, activation: activation)
        return
    }
    output.update(repeating: 0, count: outShape.count)
    for (source, shape) in [(a, aShape), (b, bShape)] {
        for y in 0 ..< shape.height {
            for x in 0 ..< shape.width {
                let s = source + (y * shape.width + x) * shape.channels
                let d = output + (y * outShape.width + x) * outShape.channels
                for c in 0 ..< shape.channels { d[c] += s[c] }
            }
        }
    }
    applyActivation(activation, to: output, count: outShape.count)
}

/// Reference for `addZeroExtended` with index arithmetic on (y, x, c), for tests.
public func addZeroExtendedNaive(_ a: [Float], _ aShape: HWCShape, _ b: [Float], _ bShape: HWCShape) -> [Float] {
    let out = HWCShape(height: max(aShape.height, bShape.height), width: max(aShape.width, bShape.width),
                       channels: max(aShape.channels, bShape.channels))
    func value(_ t: [Float], _ s: HWCShape, _ y: Int, _ x: Int, _ c: Int) -> Float {
        y < s.height && x < s.width && c < s.channels ? t[(y * s.width + x) * s.channels + c] : 0
    }
    var result = [Float]()
    for y in 0 ..< out.height {
        for x in 0 ..< out.width {
            for c in 0 ..< out.channels { result.append(value(a, aShape, y, x, c) + value(b, bShape, y, x, c)) }
        }
    }
    return result
}
