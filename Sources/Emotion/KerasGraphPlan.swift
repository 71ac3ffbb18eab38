import Dispatch
import Neural

/// A Keras functional model compiled into a flat list of kernel calls over one activation arena.
///
/// Built from the file's own `model_config` and weights (see `KerasGraphPlan+Build.swift`): batch norms are
/// folded into the convolution before them, ReLUs fused into the op before them, separable convolutions run as
/// depthwise + pointwise. Supports what fer's mini-Xception uses: `InputLayer`, `Conv2D`, `SeparableConv2D`,
/// `BatchNormalization`, `Activation` (relu, softmax, linear), `MaxPooling2D`, `AveragePooling2D`, `Add`,
/// `GlobalAveragePooling2D`; anything else is refused at load.
struct KerasGraphPlan: Sendable {
    /// An activation buffer: `count` floats at `offset` in the arena, shaped H×W×C.
    struct Buffer: Sendable, Equatable {
        var offset: Int
        var height: Int
        var width: Int
        var channels: Int
        var count: Int { height * width * channels }
    }

    /// One kernel call. Weights and biases are offsets into the parameter block.
    enum Op: Sendable {
        /// Full convolution (weights [kh, kw, cin, cout]).
        case conv(weights: Int, bias: Int?, geometry: Conv2DGeometry, activation: Activation, input: Buffer, output: Buffer)
        /// Depthwise convolution (weights [kh, kw, c]), multiplier 1.
        case depthwise(weights: Int, geometry: Conv2DGeometry, input: Buffer, output: Buffer)
        /// Max pooling.
        case maxPool(geometry: Conv2DGeometry, input: Buffer, output: Buffer)
        /// Average pooling (padding not counted, as Keras does).
        case averagePool(geometry: Conv2DGeometry, input: Buffer, output: Buffer)
        /// Element-wise sum.
        case add(a: Buffer, b: Buffer, activation: Activation, output: Buffer)
        /// Standalone ReLU (when it could not be fused).
        case relu(input: Buffer, output: Buffer)
        /// Mean over H×W.
        case globalAveragePool(input: Buffer, output: Buffer)
        /// Softmax over a vector, in place.
        case softmax(buffer: Buffer)
    }

    /// The input buffer (H×W×C).
    let input: Buffer
    /// The output buffer.
    let output: Buffer
    /// Kernel calls in order.
    let ops: [Op]
    /// Every weight and bias, in one block (converted to the kernels' layouts, batch norms folded).
    let parameters: [Float]
    /// Floats of arena the activations need.
    let arenaCount: Int
    /// Floats of im2col scratch the largest convolution needs.
    let scratchCount: Int

    /// Runs every op; `parameters` is a copy of `self.parameters`, `arena` holds `arenaCount` floats and
    /// `scratch` `scratchCount` floats.
    func run(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        for op in ops { run(op, parameters: parameters, arena: arena, scratch: scratch) }
    }

    /// Like `run`, returning each op's wall time in nanoseconds (for `rollcall bench emotion --profile`).
    func runProfiled(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>,
                     scratch: UnsafeMutablePointer<Float>) -> [(name: String, nanoseconds: UInt64)] {
        ops.map { op in
            let start = DispatchTime.now().uptimeNanoseconds
            run(op, parameters: parameters, arena: arena, scratch: scratch)
            return (op.summary, DispatchTime.now().uptimeNanoseconds - start)
        }
    }

    private func run(_ op: Op, parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>,
                     scratch: UnsafeMutablePointer<Float>) {
            switch op {
            case let .conv(weights, bias, geometry, activation, input, output):
                conv2d(input: arena + input.offset, weights: parameters + weights, bias: bias.map { parameters + $0 },
                       output: arena + output.offset, geometry: geometry, activation: activation, scratch: scratch)
            case let .depthwise(weights, geometry, input, output):
                if geometry.kernelHeight == 3 && geometry.kernelWidth == 3 {
                    depthwiseConv3x3(input: arena + input.offset, weights: parameters + weights, bias: nil,
                                     output: arena + output.offset, geometry: geometry)
                } else {
                    depthwiseConv2d(input: arena + input.offset, weights: parameters + weights, bias: nil,
                                    output: arena + output.offset, geometry: geometry)
                }
            case let .maxPool(geometry, input, output):
                maxPool2d(input: arena + input.offset, output: arena + output.offset, geometry: geometry)
            case let .averagePool(geometry, input, output):
                averagePool2d(input: arena + input.offset, output: arena + output.offset, geometry: geometry)
            case let .add(a, b, activation, output):
                add(arena + a.offset, arena + b.offset, output: arena + output.offset, count: output.count, activation: activation)
            case let .relu(input, output):
                relu(arena + input.offset, output: arena + output.offset, count: output.count)
            case let .globalAveragePool(input, output):
                globalAveragePool(input: arena + input.offset, height: input.height, width: input.width,
                                  channels: input.channels, output: arena + output.offset)
            case let .softmax(buffer):
                softmax(arena + buffer.offset, count: buffer.count)
            }
    }
}

extension KerasGraphPlan.Op {
    /// Kind and output size, e.g. `conv 3x3/1 30x30x32`.
    var summary: String {
        switch self {
        case let .conv(_, _, g, _, _, o): "conv \(g.kernelHeight)x\(g.kernelWidth)/\(g.strideHeight) \(o.height)x\(o.width)x\(o.channels)"
        case let .depthwise(_, g, _, o): "depthwise \(g.kernelHeight)x\(g.kernelWidth) \(o.height)x\(o.width)x\(o.channels)"
        case let .maxPool(g, _, o): "maxpool \(g.kernelHeight)x\(g.kernelWidth)/\(g.strideHeight) \(o.height)x\(o.width)x\(o.channels)"
        case let .averagePool(_, _, o): "avgpool \(o.height)x\(o.width)x\(o.channels)"
        case let .add(_, _, _, o): "add \(o.height)x\(o.width)x\(o.channels)"
        case let .relu(_, o): "relu \(o.count)"
        case let .globalAveragePool(_, o): "global-average-pool \(o.channels)"
        case let .softmax(b): "softmax \(b.count)"
        }
    }
}
