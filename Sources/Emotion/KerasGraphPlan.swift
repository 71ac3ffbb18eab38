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
        for op in ops {
            switch op {
            case let .conv(weights, bias, geometry, activation, input, output):
                conv2d(input: arena + input.offset, weights: parameters + weights, bias: bias.map { parameters + $0 },
                       output: arena + output.offset, geometry: geometry, activation: activation, scratch: scratch)
            case let .depthwise(weights, geometry, input, output):
                depthwiseConv2d(input: arena + input.offset, weights: parameters + weights, bias: nil,
                                output: arena + output.offset, geometry: geometry)
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
}
