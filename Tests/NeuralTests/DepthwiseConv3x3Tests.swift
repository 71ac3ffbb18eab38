import Neural
import Testing

/// The specialised 3×3 depthwise kernel against the naive reference, over strides, paddings, channel counts
/// (vector body and scalar tail), bias and activations.
@Suite struct DepthwiseConv3x3Tests {
    @Test(arguments: [(1, 1), (2, 1), (1, 0), (2, 0)])
    func equalsTheNaiveKernel(stride: Int, pad: Int) {
        var random = TestRandom(seed: UInt64(17 + stride * 3 + pad))
        for channels in [1, 8, 13, 16, 64] {
            for (height, width) in [(3, 3), (7, 5), (12, 12)] {
                let padding = pad == 0 ? Padding.zero
                    : Padding.same(inHeight: height, inWidth: width, kernelHeight: 3, kernelWidth: 3,
                                   strideHeight: stride, strideWidth: stride)
                let g = Conv2DGeometry(inHeight: height, inWidth: width, inChannels: channels, outChannels: channels,
                                       kernelHeight: 3, kernelWidth: 3, strideHeight: stride, strideWidth: stride,
                                       padding: padding)
                let input = random.floats(g.inCount), weights = random.floats(9 * channels), bias = random.floats(channels)
                for activation in [Activation.none, .relu] {
                    for useBias in [false, true] {
                        var fast = [Float](repeating: .nan, count: g.outCount)
                        var naive = [Float](repeating: .nan, count: g.outCount)
                        depthwiseConv3x3(input: input, weights: weights, bias: useBias ? bias : nil, output: &fast,
                                         geometry: g, activation: activation)
                        depthwiseConv2dNaive(input: input, weights: weights, bias: useBias ? bias : nil, output: &naive,
                                             geometry: g, activation: activation)
                        #expect(maxRelativeError(fast, naive) < 1e-5, "c \(channels) \(height)×\(width) stride \(stride) pad \(pad)")
                    }
                }
            }
        }
    }
}
