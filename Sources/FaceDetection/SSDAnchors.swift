/// Options of MediaPipe's `SsdAnchorsCalculator` as BlazeFace uses them: one aspect ratio (1.0), anchor offsets
/// 0.5 and fixed anchor size (every anchor is 1×1 in normalised units, so only centres matter).
public struct SSDAnchorOptions: Sendable, Equatable {
    /// Side of the square input tensor.
    public var inputSize: Int
    /// Stride of each layer; consecutive layers with equal strides share one feature map.
    public var strides: [Int]
    /// When > 0, each layer adds one interpolated-scale anchor per location.
    public var interpolatedScaleAspectRatio: Float

    public init(inputSize: Int, strides: [Int], interpolatedScaleAspectRatio: Float) {
        self.inputSize = inputSize
        self.strides = strides
        self.interpolatedScaleAspectRatio = interpolatedScaleAspectRatio
    }
}

/// An anchor centre in normalised input coordinates.
public struct SSDAnchor: Sendable, Equatable {
    public var x: Float
    public var y: Float

    public init(x: Float, y: Float) {
        self.x = x
        self.y = y
    }
}

/// Generates anchors in MediaPipe's order: for each group of same-stride layers, row by row, column by column,
/// then the group's anchors per location (2 per layer with interpolation, else 1).
public func makeSSDAnchors(_ options: SSDAnchorOptions) -> [SSDAnchor] {
    var anchors = [SSDAnchor]()
    var layer = 0
    while layer < options.strides.count {
        var perLocation = 0
        var last = layer
        while last < options.strides.count && options.strides[last] == options.strides[layer] {
            perLocation += options.interpolatedScaleAspectRatio > 0 ? 2 : 1
            last += 1
        }
        let stride = options.strides[layer]
        let size = (options.inputSize + stride - 1) / stride
        for y in 0..<size {
            for x in 0..<size {
                let anchor = SSDAnchor(x: (Float(x) + 0.5) / Float(size), y: (Float(y) + 0.5) / Float(size))
                for _ in 0..<perLocation { anchors.append(anchor) }
            }
        }
        layer = last
    }
    return anchors
}
