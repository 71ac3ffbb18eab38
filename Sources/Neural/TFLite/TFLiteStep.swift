// One planned kernel call of a TFLite graph, with its pointers fixed at plan time.

enum TFLiteStep {
    case conv(src: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
              dst: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry, activation: Activation,
              scratch: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, packed: PackedMatrix?)
    case depthwise(src: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                   dst: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry, activation: Activation)
    case add(a: UnsafePointer<Float>, b: UnsafePointer<Float>, dst: UnsafeMutablePointer<Float>, count: Int,
             activation: Activation)
    case activation(src: UnsafePointer<Float>, dst: UnsafeMutablePointer<Float>, count: Int, activation: Activation)
    case pad(src: UnsafePointer<Float>, height: Int, width: Int, channels: Int, padding: Padding,
             channelsBefore: Int, channelsAfter: Int, dst: UnsafeMutablePointer<Float>)
    case maxPool(src: UnsafePointer<Float>, dst: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry, activation: Activation)
    case averagePool(src: UnsafePointer<Float>, dst: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry, activation: Activation)
    case concat(inputs: [(UnsafePointer<Float>, Int)], outer: Int, dst: UnsafeMutablePointer<Float>, count: Int,
                activation: Activation)
    case resize(src: UnsafePointer<Float>, inHeight: Int, inWidth: Int, channels: Int, dst: UnsafeMutablePointer<Float>,
                outHeight: Int, outWidth: Int, mode: ResizeMode)
    case depthToSpace(src: UnsafePointer<Float>, height: Int, width: Int, channels: Int, block: Int,
                      dst: UnsafeMutablePointer<Float>)

    /// A short name for profiles, e.g. "conv 3x3/2 24→24" or "depthwise 5x5".
    var kind: String {
        switch self {
        case let .conv(_, _, _, _, g, _, _, residual, _):
            return "conv \(g.kernelHeight)x\(g.kernelWidth)/\(g.strideHeight) \(g.inHeight)x\(g.inWidth)x\(g.inChannels)→\(g.outChannels)"
                + (residual == nil ? "" : " +residual")
        case let .depthwise(_, _, _, _, g, _):
            return "depthwise \(g.kernelHeight)x\(g.kernelWidth)/\(g.strideHeight) \(g.inHeight)x\(g.inWidth)x\(g.inChannels)"
        case .add: return "add"
        case .activation: return "activation"
        case .pad: return "pad"
        case .maxPool: return "max pool"
        case .averagePool: return "average pool"
        case .concat: return "concat"
        case .resize: return "resize"
        case .depthToSpace: return "depth to space"
        }
    }

    /// Multiply-accumulates this step performs (convolutions and depthwise convolutions; 0 for the rest).
    var multiplyAccumulates: Int {
        switch self {
        case let .conv(_, _, _, _, g, _, _, _, _):
            return g.outHeight * g.outWidth * g.outChannels * g.kernelHeight * g.kernelWidth * g.inChannels
        case let .depthwise(_, _, _, _, g, _):
            return g.outHeight * g.outWidth * g.outChannels * g.kernelHeight * g.kernelWidth
        default:
            return 0
        }
    }

    func run() {
        switch self {
        case let .conv(src, w, bias, dst, g, act, scratch, residual, packed):
            conv2d(input: src, weights: w, bias: bias, output: dst, geometry: g, activation: act, scratch: scratch,
                   residual: residual, packedWeights: packed)
        case let .depthwise(src, w, bias, dst, g, act):
            if g.kernelHeight == 3 && g.kernelWidth == 3 {
                depthwiseConv3x3(input: src, weights: w, bias: bias, output: dst, geometry: g, activation: act)
            } else {
                depthwiseConv2d(input: src, weights: w, bias: bias, output: dst, geometry: g, activation: act)
            }
        case let .add(a, b, dst, count, act):
            Neural.add(a, b, output: dst, count: count, activation: act)
        case let .activation(src, dst, count, act):
            if act == .relu { relu(src, output: dst, count: count) } else {
                dst.update(from: src, count: count)
                applyActivation(act, to: dst, count: count)
            }
        case let .pad(src, h, w, c, padding, before, after, dst):
            Neural.pad(input: src, height: h, width: w, channels: c, padding: padding, channelsBefore: before,
                       channelsAfter: after, output: dst)
        case let .maxPool(src, dst, g, act):
            maxPool2d(input: src, output: dst, geometry: g)
            applyActivation(act, to: dst, count: g.outCount)
        case let .averagePool(src, dst, g, act):
            averagePool2d(input: src, output: dst, geometry: g)
            applyActivation(act, to: dst, count: g.outCount)
        case let .concat(inputs, outer, dst, count, act):
            concatChannels(inputs, pixels: outer, output: dst)
            applyActivation(act, to: dst, count: count)
        case let .resize(src, inH, inW, c, dst, outH, outW, mode):
            resizeBilinear(input: src, inHeight: inH, inWidth: inW, channels: c, output: dst, outHeight: outH,
                           outWidth: outW, mode: mode)
        case let .depthToSpace(src, h, w, c, block, dst):
            Neural.depthToSpace(input: src, height: h, width: w, channels: c, blockSize: block, output: dst)
        }
    }
}
