import CNeuralKernels

// Depthwise 3×3 convolution (any stride and padding, depth multiplier 1) in CNeuralKernels' per-instruction-set
// kernels: the nine taps of a channel block stay in registers while it sweeps the image; windows inside the
// image take nine unchecked loads, border windows skip the taps outside, so a PAD in front folds into the
// geometry's padding. Its naive reference is `depthwiseConv2dNaive` (DepthwiseConv2D.swift). Layouts as in
// Kernels.swift: input HWC, weights [3, 3, c], output HWC.

/// Depthwise 3×3 convolution: `output[oy, ox, c] = act(bias[c] + Σ input[iy, ix, c] · w[ky, kx, c])`, padding
/// reading as 0. `g.kernelHeight` and `g.kernelWidth` must be 3 and `g.outChannels == g.inChannels`. `isa`
/// defaults to `KernelDispatch.active.isa` (tests pass each supported one).
public func depthwiseConv3x3(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                             output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                             activation: Activation = .none, isa: InstructionSet = KernelDispatch.active.isa) {
    precondition(g.kernelHeight == 3 && g.kernelWidth == 3 && g.inChannels == g.outChannels, "depthwiseConv3x3 needs a 3×3 depthwise geometry")
    var geometry = rc_depthwise_geometry(
        in_height: Int32(g.inHeight), in_width: Int32(g.inWidth), channels: Int32(g.inChannels),
        out_height: Int32(g.outHeight), out_width: Int32(g.outWidth), stride_y: Int32(g.strideHeight),
        stride_x: Int32(g.strideWidth), pad_top: Int32(g.padding.top), pad_left: Int32(g.padding.left))
    rc_depthwise3x3(isa.c, input, weights, bias, output, &geometry, activation.c, 0, Int32(g.outHeight))
}
