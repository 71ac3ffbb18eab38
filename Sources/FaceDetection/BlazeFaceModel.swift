/// The two BlazeFace variants MediaPipe ships, with the constants of MediaPipe 0.10.14's graphs
/// (`face_detection_short_range.pbtxt`, `face_detection_full_range.pbtxt`).
public enum BlazeFaceModel: String, Sendable, CaseIterable {
    /// 128×128 input, faces within ~2 m (`face_detection_short_range.tflite`).
    case short
    /// 192×192 input, faces within ~5 m (`face_detection_full_range_sparse.tflite`).
    case full

    /// The id of its file in `config/models.lock`.
    public var modelID: String {
        switch self {
        case .short: "blazeface-short"
        case .full: "blazeface-full"
        }
    }

    /// Side of the square input tensor, in pixels.
    public var inputSize: Int {
        switch self {
        case .short: 128
        case .full: 192
        }
    }

    /// SSD anchor layout.
    public var anchorOptions: SSDAnchorOptions {
        switch self {
        case .short:
            SSDAnchorOptions(inputSize: 128, strides: [8, 16, 16, 16], interpolatedScaleAspectRatio: 1)
        case .full:
            SSDAnchorOptions(inputSize: 192, strides: [4], interpolatedScaleAspectRatio: 0)
        }
    }

    /// Number of anchors (= rows of the model's outputs).
    public var anchorCount: Int {
        switch self {
        case .short: 896
        case .full: 2304
        }
    }

    /// The minimum score MediaPipe 0.10.14's solution applies: 0.5 for short range; 0.6 for full range, whose
    /// graph keeps its own `min_score_thresh` (the reference detections of the full model never score below 0.6).
    public var defaultMinScore: Float {
        switch self {
        case .short: 0.5
        case .full: 0.6
        }
    }

    /// The box/keypoint scale of the decoder (x, y, w and h scales are all the input size).
    public var coordinateScale: Float { Float(inputSize) }

    /// The layer listing (op kind → count) of the plan its file compiles to, checked against the file in the
    /// tests, after the plan's fusions: a spatial PAD read only by a 3×3 depthwise convolution is folded into it,
    /// an ADD that is a convolution's only reader becomes its residual, a PAD of zero channels read only as a
    /// 1×1 convolution's residual disappears into it (short range: all eleven) and a ReLU becomes its producer's
    /// activation (the PADs and ADDs listed are the ones these rules leave).
    public var layerListing: [String: Int] {
        switch self {
        case .short: ["conv": 21, "depthwise": 16, "max pool": 3, "concat": 2]
        case .full: ["conv": 49, "depthwise": 42, "add": 3, "pad": 1, "resize": 3, "depth to space": 2]
        }
    }
}
