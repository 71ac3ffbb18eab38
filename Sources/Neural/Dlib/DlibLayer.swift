// DlibLayer: the layers of a dlib DNN (dlib/dnn/layers.h, input.h, loss.h) this reader understands, as
// read from a `.dat` file, with weights still in dlib's layout.

/// The kind of one layer in a dlib network's type, as written in C++ (`con<…>`, `tag1<…>`, …). A network's
/// structure is not in its file (it is the C++ type), so a reader is given the kinds, bottom to top.
public enum DlibLayerKind: Sendable, Equatable {
    /// `con_`: convolution.
    case convolution
    /// `affine_`: per-channel scale and shift (batch norm folded at training end).
    case affine
    /// `relu_`.
    case relu
    /// `max_pool_`.
    case maxPool
    /// `avg_pool_` (including `avg_pool_everything`, whose window is 0×0).
    case avgPool
    /// `fc_`: fully connected.
    case fullyConnected
    /// `add_prev_<tagN>`: adds the output of the nearest `tagN` below.
    case addPrevious(tag: Int)
    /// `tagN`: marks its input for a later `add_prev`/`skip`; stores nothing.
    case tag(Int)
    /// `skipN`: outputs what the nearest `tagN` below received.
    case skip(Int)

    /// Whether dlib wraps this kind in `add_layer` (it has details and a training-state trailer).
    var isComputational: Bool {
        switch self {
        case .tag, .skip: return false
        default: return true
        }
    }
}

/// A convolution as dlib stores it.
public struct DlibConvolution: Sendable, Equatable {
    /// Output channels.
    public var filters: Int
    /// Input channels.
    public var channels: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideY: Int
    public var strideX: Int
    public var paddingY: Int
    public var paddingX: Int
    /// filters × channels × kernelHeight × kernelWidth (dlib's OIHW).
    public var weights: [Float]
    /// One per filter, or empty when the layer has no bias.
    public var bias: [Float]
}

/// A per-channel affine transform y = gamma · x + beta.
public struct DlibAffine: Sendable, Equatable {
    public var gamma: [Float]
    public var beta: [Float]
}

/// A pooling window. `windowHeight == 0` means the whole input (`avg_pool_everything`).
public struct DlibPool: Sendable, Equatable {
    public var windowHeight: Int
    public var windowWidth: Int
    public var strideY: Int
    public var strideX: Int
    public var paddingY: Int
    public var paddingX: Int
}

/// A fully connected layer as dlib stores it.
public struct DlibFullyConnected: Sendable, Equatable {
    public var inputs: Int
    public var outputs: Int
    /// inputs × outputs, row-major (dlib computes x · W).
    public var weights: [Float]
    /// One per output, or empty without bias.
    public var bias: [Float]
}

/// One layer read from a dlib network file.
public enum DlibLayer: Sendable, Equatable {
    case convolution(DlibConvolution)
    case affine(DlibAffine)
    case relu
    case maxPool(DlibPool)
    case avgPool(DlibPool)
    case fullyConnected(DlibFullyConnected)
    case addPrevious(tag: Int)
    case tag(Int)
    case skip(Int)
}

/// The `input_rgb_image_sized` input layer: per-channel means subtracted, then divided by 256.
public struct DlibRGBInput: Sendable, Equatable {
    public var meanRed: Float
    public var meanGreen: Float
    public var meanBlue: Float
    public var rows: Int
    public var cols: Int
}

/// The `loss_metric_` loss layer's parameters.
public struct DlibMetricLoss: Sendable, Equatable {
    public var margin: Float
    public var distanceThreshold: Float
}
