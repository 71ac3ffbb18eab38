// The one operator set of Neural's inference plans. Every model reader (TFLite, dlib, Keras) lowers its file to
// a `Graph` of these; `Plan` fuses, places the activations in one arena and binds each op to its kernel.

/// A value in a `Graph`: a graph input or the output of one node (float32, shape in `Graph.shape(_:)`).
public struct ValueID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Index in `Graph.values`.
    public let index: Int
    public static func < (a: ValueID, b: ValueID) -> Bool { a.index < b.index }
    public var description: String { "%\(index)" }
}

/// A constant array in a `Graph` (weights and biases, already in the kernels' layouts).
public struct ConstantID: Hashable, Sendable {
    /// Index in `Graph.constants`.
    public let index: Int
}

/// One kernel call of a graph. Spatial operands are HWC (a leading batch of 1 is allowed); weights are in the
/// layouts of Kernels.swift: convolution [kh, kw, cin, cout], depthwise [kh, kw, c], fully connected [in, out].
public enum Op: Sendable, Equatable {
    /// Convolution (im2col + GEMM, or Winograd F(4×4, 3×3) where `winograd` allows and the geometry suits),
    /// plus an optional residual added before the activation (a fused ADD).
    case conv(input: ValueID, weights: ConstantID, bias: ConstantID?, geometry: Conv2DGeometry, activation: Activation,
              residual: ValueID?, winograd: Bool)
    /// Depthwise convolution, depth multiplier 1.
    case depthwise(input: ValueID, weights: ConstantID, bias: ConstantID?, geometry: Conv2DGeometry, activation: Activation)
    /// Fully connected layer over the flattened input.
    case fullyConnected(input: ValueID, weights: ConstantID, bias: ConstantID?, inCount: Int, outCount: Int,
                        activation: Activation)
    /// Max pooling.
    case maxPool(input: ValueID, geometry: Conv2DGeometry, activation: Activation)
    /// Average pooling; `countPadding` divides by the whole window (dlib, PyTorch) instead of the real cells
    /// (TensorFlow, Keras).
    case averagePool(input: ValueID, geometry: Conv2DGeometry, countPadding: Bool, activation: Activation)
    /// Mean over height and width of an H×W×C input.
    case globalAveragePool(input: ValueID)
    /// Element-wise sum. Operands of different shapes are zero-extended to the output's (dlib's add_prev:
    /// aligned at the top-left and the first channel).
    case add(ValueID, ValueID, activation: Activation)
    /// A standalone ReLU or ReLU6 (one that could not be fused into the op before it).
    case activation(input: ValueID, Activation)
    /// Softmax over the last dimension.
    case softmax(input: ValueID)
    /// Zero padding of height, width and channels.
    case pad(input: ValueID, padding: Padding, channelsBefore: Int, channelsAfter: Int)
    /// Concatenation along `axis` of the output shape.
    case concat(inputs: [ValueID], axis: Int, activation: Activation)
    /// Bilinear resize to the output's height and width.
    case resize(input: ValueID, mode: ResizeMode)
    /// Depth to space with `block`×`block` blocks.
    case depthToSpace(input: ValueID, block: Int)
    /// A constant array as a value (a computed op's constant operand, e.g. TFLite's ADD of a constant).
    case constant(ConstantID)

    /// The values the op reads.
    public var inputs: [ValueID] {
        switch self {
        case let .conv(input, _, _, _, _, residual, _): [input] + (residual.map { [$0] } ?? [])
        case let .depthwise(input, _, _, _, _), let .fullyConnected(input, _, _, _, _, _), let .maxPool(input, _, _),
             let .averagePool(input, _, _, _), let .globalAveragePool(input), let .activation(input, _), let .softmax(input),
             let .pad(input, _, _, _), let .resize(input, _), let .depthToSpace(input, _):
            [input]
        case let .add(a, b, _): [a, b]
        case let .concat(inputs, _, _): inputs
        case .constant: []
        }
    }

    /// The constants the op reads.
    public var constants: [ConstantID] {
        switch self {
        case let .conv(_, w, b, _, _, _, _), let .depthwise(_, w, b, _, _), let .fullyConnected(_, w, b, _, _, _):
            [w] + (b.map { [$0] } ?? [])
        case let .constant(c): [c]
        default: []
        }
    }

    /// The op's kind, as the layer listings count it: "conv", "depthwise", "fully connected", "max pool",
    /// "average pool", "global average pool", "add", "activation", "softmax", "pad", "concat", "resize",
    /// "depth to space", "constant".
    public var kind: String {
        switch self {
        case .conv: "conv"
        case .depthwise: "depthwise"
        case .fullyConnected: "fully connected"
        case .maxPool: "max pool"
        case .averagePool: "average pool"
        case .globalAveragePool: "global average pool"
        case .add: "add"
        case .activation: "activation"
        case .softmax: "softmax"
        case .pad: "pad"
        case .concat: "concat"
        case .resize: "resize"
        case .depthToSpace: "depth to space"
        case .constant: "constant"
        }
    }

    /// A short name for profiles, e.g. "conv 3x3/2 24x24x32→64 +residual" or "depthwise 5x5/1 64x64x24".
    public var summary: String {
        switch self {
        case let .conv(_, _, _, g, _, residual, _):
            "conv \(g.kernelHeight)x\(g.kernelWidth)/\(g.strideHeight) \(g.inHeight)x\(g.inWidth)x\(g.inChannels)→\(g.outChannels)"
                + (residual == nil ? "" : " +residual")
        case let .depthwise(_, _, _, g, _):
            "depthwise \(g.kernelHeight)x\(g.kernelWidth)/\(g.strideHeight) \(g.inHeight)x\(g.inWidth)x\(g.inChannels)"
        case let .fullyConnected(_, _, _, inCount, outCount, _): "fully connected \(inCount)→\(outCount)"
        case let .maxPool(_, g, _): "max pool \(g.kernelHeight)x\(g.kernelWidth)/\(g.strideHeight) \(g.inHeight)x\(g.inWidth)x\(g.inChannels)"
        case let .averagePool(_, g, _, _):
            "average pool \(g.kernelHeight)x\(g.kernelWidth)/\(g.strideHeight) \(g.inHeight)x\(g.inWidth)x\(g.inChannels)"
        default: kind
        }
    }

    /// Multiply-accumulates of one call (convolutions, depthwise convolutions, fully connected; 0 for the rest).
    public var multiplyAccumulates: Int {
        switch self {
        case let .conv(_, _, _, g, _, _, _): g.outHeight * g.outWidth * g.outChannels * g.kernelHeight * g.kernelWidth * g.inChannels
        case let .depthwise(_, _, _, g, _): g.outHeight * g.outWidth * g.outChannels * g.kernelHeight * g.kernelWidth
        case let .fullyConnected(_, _, _, inCount, outCount, _): inCount * outCount
        default: 0
        }
    }

    /// The op's fused activation (`.none` for ops that have none).
    public var fusedActivation: Activation {
        switch self {
        case let .conv(_, _, _, _, a, _, _), let .depthwise(_, _, _, _, a), let .fullyConnected(_, _, _, _, _, a),
             let .maxPool(_, _, a), let .averagePool(_, _, _, a), let .add(_, _, a), let .concat(_, _, a):
            a
        default: .none
        }
    }

    /// This op with `activation` fused in, or nil when it cannot take one (or already has one).
    func fusing(_ activation: Activation) -> Op? {
        switch self {
        case let .conv(i, w, b, g, .none, r, wg): .conv(input: i, weights: w, bias: b, geometry: g, activation: activation, residual: r, winograd: wg)
        case let .depthwise(i, w, b, g, .none): .depthwise(input: i, weights: w, bias: b, geometry: g, activation: activation)
        case let .fullyConnected(i, w, b, n, m, .none):
            .fullyConnected(input: i, weights: w, bias: b, inCount: n, outCount: m, activation: activation)
        case let .maxPool(i, g, .none): .maxPool(input: i, geometry: g, activation: activation)
        case let .averagePool(i, g, c, .none): .averagePool(input: i, geometry: g, countPadding: c, activation: activation)
        case let .add(a, b, .none): .add(a, b, activation: activation)
        default: nil
        }
    }
}
