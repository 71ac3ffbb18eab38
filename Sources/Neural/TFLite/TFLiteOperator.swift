// TFLite operators this core runs, with the options read from the FlatBuffer (schema.fbs field ids noted).

/// The TFLite builtin operators Rollcall implements (values of schema.fbs's `BuiltinOperator`).
public enum TFLiteBuiltin: Int32, Sendable, CaseIterable {
    case add = 0
    case averagePool2d = 1
    case concatenation = 2
    case conv2d = 3
    case depthwiseConv2d = 4
    case depthToSpace = 5
    case dequantize = 6
    case maxPool2d = 17
    case relu = 19
    case relu6 = 21
    case reshape = 22
    case resizeBilinear = 23
    case pad = 34
    case densify = 124

    /// The name TensorFlow uses.
    public var name: String {
        switch self {
        case .add: "ADD"
        case .averagePool2d: "AVERAGE_POOL_2D"
        case .concatenation: "CONCATENATION"
        case .conv2d: "CONV_2D"
        case .depthwiseConv2d: "DEPTHWISE_CONV_2D"
        case .depthToSpace: "DEPTH_TO_SPACE"
        case .dequantize: "DEQUANTIZE"
        case .maxPool2d: "MAX_POOL_2D"
        case .relu: "RELU"
        case .relu6: "RELU6"
        case .reshape: "RESHAPE"
        case .resizeBilinear: "RESIZE_BILINEAR"
        case .pad: "PAD"
        case .densify: "DENSIFY"
        }
    }

    /// Names of some operators Rollcall does not implement, for clearer errors.
    static let otherNames: [Int32: String] = [
        8: "FLOOR", 9: "FULLY_CONNECTED", 14: "LOGISTIC", 18: "MUL", 25: "SOFTMAX", 28: "TANH", 32: "CUSTOM",
        39: "TRANSPOSE", 40: "MEAN", 41: "SUB", 43: "SQUEEZE", 45: "STRIDED_SLICE", 49: "SPLIT", 53: "CAST",
        54: "PRELU", 55: "MAXIMUM", 60: "MINIMUM", 74: "SUM", 97: "RESIZE_NEAREST_NEIGHBOR", 98: "LEAKY_RELU",
        114: "QUANTIZE", 117: "HARD_SWISH",
    ]

    /// A readable name for any operator code.
    static func describe(_ code: Int32) -> String {
        TFLiteBuiltin(rawValue: code)?.name ?? otherNames[code].map { "\($0) (builtin \(code))" } ?? "builtin operator \(code)"
    }
}

/// TensorFlow padding scheme of a window operator.
public enum TFLitePadding: Sendable, Equatable {
    case same
    case valid
}

/// Options of one operator, as stored in the model.
public enum TFLiteOptions: Sendable, Equatable {
    case none
    /// CONV_2D / DEPTHWISE_CONV_2D.
    case convolution(padding: TFLitePadding, strideH: Int, strideW: Int, dilationH: Int, dilationW: Int,
                     depthMultiplier: Int, activation: Activation)
    /// MAX_POOL_2D / AVERAGE_POOL_2D.
    case pool(padding: TFLitePadding, strideH: Int, strideW: Int, filterH: Int, filterW: Int, activation: Activation)
    /// ADD.
    case add(activation: Activation)
    /// CONCATENATION.
    case concatenation(axis: Int, activation: Activation)
    /// RESIZE_BILINEAR.
    case resizeBilinear(ResizeMode)
    /// DEPTH_TO_SPACE.
    case depthToSpace(blockSize: Int)
}

/// One operator of the graph.
public struct TFLiteOperator: Sendable {
    /// What it computes.
    public let builtin: TFLiteBuiltin
    /// Input tensor indices (−1 = optional input absent).
    public let inputs: [Int]
    /// Output tensor indices.
    public let outputs: [Int]
    /// Its options.
    public let options: TFLiteOptions

    /// This operator with `activation` fused in and writing to `output`, or nil when it has no free
    /// activation slot (CONV_2D, DEPTHWISE_CONV_2D, ADD, pooling with no activation yet).
    func fusing(_ activation: Activation, output: Int) -> TFLiteOperator? {
        let fused: TFLiteOptions
        switch options {
        case let .convolution(padding, sh, sw, dh, dw, multiplier, .none):
            fused = .convolution(padding: padding, strideH: sh, strideW: sw, dilationH: dh, dilationW: dw,
                                 depthMultiplier: multiplier, activation: activation)
        case let .pool(padding, sh, sw, fh, fw, .none):
            fused = .pool(padding: padding, strideH: sh, strideW: sw, filterH: fh, filterW: fw, activation: activation)
        case .add(.none):
            fused = .add(activation: activation)
        default:
            return nil
        }
        return TFLiteOperator(builtin: builtin, inputs: inputs, outputs: [output], options: fused)
    }
}

extension TFLiteOptions {
    /// ActivationFunctionType: NONE 0, RELU 1, RELU_N1_TO_1 2, RELU6 3, TANH 4, SIGN_BIT 5.
    static func activation(_ raw: Int8, _ op: String) throws(NeuralError) -> Activation {
        switch raw {
        case 0: return .none
        case 1: return .relu
        case 3: return .relu6
        default: throw NeuralError(.unsupportedOperator, "\(op): fused activation \(raw) is not supported")
        }
    }

    static func padding(_ raw: Int8, _ op: String) throws(NeuralError) -> TFLitePadding {
        switch raw {
        case 0: return .same
        case 1: return .valid
        default: throw NeuralError(.malformedModel, "\(op): padding \(raw) is neither SAME nor VALID")
        }
    }

    /// Reads the builtin options table of `builtin` (Operator field 4).
    static func read(_ table: FlatTable?, for builtin: TFLiteBuiltin, op: String) throws(NeuralError) -> TFLiteOptions {
        func need() throws(NeuralError) -> FlatTable {
            guard let table else { throw NeuralError(.malformedModel, "\(op) has no options") }
            return table
        }
        switch builtin {
        case .conv2d:
            // Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused_activation 3, dilation_w 4, dilation_h 5.
            let t = try need()
            return .convolution(padding: try padding(try t.scalar(0, default: Int8(0)), op),
                                strideH: Int(try t.scalar(2, default: Int32(0))), strideW: Int(try t.scalar(1, default: Int32(0))),
                                dilationH: Int(try t.scalar(5, default: Int32(1))), dilationW: Int(try t.scalar(4, default: Int32(1))),
                                depthMultiplier: 1, activation: try activation(try t.scalar(3, default: Int8(0)), op))
        case .depthwiseConv2d:
            // DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3, fused_activation 4,
            // dilation_w 5, dilation_h 6.
            let t = try need()
            return .convolution(padding: try padding(try t.scalar(0, default: Int8(0)), op),
                                strideH: Int(try t.scalar(2, default: Int32(0))), strideW: Int(try t.scalar(1, default: Int32(0))),
                                dilationH: Int(try t.scalar(6, default: Int32(1))), dilationW: Int(try t.scalar(5, default: Int32(1))),
                                depthMultiplier: Int(try t.scalar(3, default: Int32(1))),
                                activation: try activation(try t.scalar(4, default: Int8(0)), op))
        case .maxPool2d, .averagePool2d:
            // Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, fused_activation 5.
            let t = try need()
            return .pool(padding: try padding(try t.scalar(0, default: Int8(0)), op),
                         strideH: Int(try t.scalar(2, default: Int32(0))), strideW: Int(try t.scalar(1, default: Int32(0))),
                         filterH: Int(try t.scalar(4, default: Int32(0))), filterW: Int(try t.scalar(3, default: Int32(0))),
                         activation: try activation(try t.scalar(5, default: Int8(0)), op))
        case .add:
            // AddOptions: fused_activation 0.
            return .add(activation: try activation(try table?.scalar(0, default: Int8(0)) ?? 0, op))
        case .concatenation:
            // ConcatenationOptions: axis 0, fused_activation 1.
            let t = try need()
            return .concatenation(axis: Int(try t.scalar(0, default: Int32(0))),
                                  activation: try activation(try t.scalar(1, default: Int8(0)), op))
        case .resizeBilinear:
            // ResizeBilinearOptions: new_height 0, new_width 1 (deprecated), align_corners 2, half_pixel_centers 3.
            return .resizeBilinear(ResizeMode(alignCorners: try table?.bool(2) ?? false,
                                              halfPixelCenters: try table?.bool(3) ?? false))
        case .depthToSpace:
            // DepthToSpaceOptions: block_size 0.
            return .depthToSpace(blockSize: Int(try need().scalar(0, default: Int32(0))))
        case .dequantize, .densify, .relu, .relu6, .reshape, .pad:
            return .none
        }
    }
}
