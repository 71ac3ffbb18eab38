import CNeuralKernels
import Dispatch

// 2-D convolution: im2col + GEMM (1×1 stride-1 unpadded convolutions are a plain GEMM), with the bias, an
// optional residual and the activation applied as the GEMM stores its tiles; and the naive reference.
// Convolutions with at most 4 input channels skip im2col (`conv2dDirect`).
// Layouts: input HWC, weights [kh, kw, cin, cout], output HWC (see Kernels.swift). The GEMM is Neural's own
// or OpenBLAS (`KernelDispatch`).

/// Convolution of one HWC image:
/// `output[oy, ox, co] = act(bias[co] + Σ input[iy, ix, ci] · w[ky, kx, ci, co] + residual[oy, ox, co])`
/// with `iy = oy·strideH − padTop + ky`, cells outside the input reading as 0.
///
/// - Parameters:
///   - input: `g.inCount` floats.
///   - weights: `g.weightCount` floats, [kh, kw, cin, cout].
///   - bias: `g.outChannels` floats, or nil.
///   - output: `g.outCount` floats (must not overlap the input or the scratch).
///   - scratch: `g.scratchCount` floats of working memory (may be nil when that is 0).
///   - residual: `g.outCount` floats added before the activation (a fused residual connection), or nil; must
///     not overlap the output.
///   - residualChannels: when the residual has fewer channels than the output (H×W×`residualChannels` floats,
///     its missing channels counting as 0: a shortcut zero-extended on the channel axis, read without the
///     zeros), their number; nil when it has them all. Such a residual always takes im2col + GEMM.
///   - packedWeights: the weights as a (kh·kw·cin) × cout `PackedMatrix`, to skip packing them on every call.
///   - winograd: the weights transformed for Winograd F(4×4, 3×3); used instead of im2col + GEMM for 3×3
///     stride-1 geometries when Neural's own GEMM is the active one.
public func conv2d(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                   output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                   activation: Activation = .none, scratch: UnsafeMutablePointer<Float>?,
                   residual: UnsafePointer<Float>? = nil, residualChannels: Int? = nil, packedWeights: PackedMatrix? = nil,
                   winograd: WinogradWeights? = nil) {
    // The residual's channels when it has fewer than the output (nil: all of them).
    let narrowChannels = residual == nil ? nil : residualChannels.flatMap { $0 < g.outChannels ? $0 : nil }
    let narrowResidual = narrowChannels != nil
    if let winograd, !narrowResidual, KernelDispatch.active.gemm == .rollcall, g.kernelHeight == 3, g.kernelWidth == 3,
       g.strideHeight == 1, g.strideWidth == 1 {
        conv3x3Winograd(input: input, weights: winograd, bias: bias, output: output, geometry: g,
                        activation: activation, residual: residual)
        return
    }
    if let packedWeights, let scratch, !narrowResidual, KernelDispatch.active.gemm == .rollcall, suitsDirect(g) {
        conv2dDirect(input: input, packedWeights: packedWeights, bias: bias, output: output, geometry: g,
                     activation: activation, scratch: scratch, residual: residual)
        return
    }
    let rows = g.outHeight * g.outWidth
    let k = g.kernelHeight * g.kernelWidth * g.inChannels
    let epilogue = GEMMEpilogue(bias: bias, residual: residual, residualStride: narrowChannels ?? g.outChannels,
                                residualColumns: narrowChannels, activation: activation)
    var a = input
    if !g.isPointwise {
        guard let scratch else { preconditionFailure("conv2d needs \(g.scratchCount) floats of scratch") }
        im2col(input: input, geometry: g, columns: scratch)
        a = UnsafePointer(scratch)
    }
    GEMM.multiply(m: rows, n: g.outChannels, k: k, a: a, b: weights, packed: packedWeights, c: output,
                  epilogue: epilogue)
}

/// True when `conv2dDirect` runs geometry `g` (given its scratch): a convolution with at most 4 input channels
/// (a network's first layer: BlazeFace's 5×5/2 stem, dlib's 7×7/2, VGG16's conv1_1), where im2col would copy
/// rows of a few floats, and whose zero-padded input fits in the scratch im2col would use.
public func suitsDirect(_ g: Conv2DGeometry) -> Bool {
    let padded = (g.inHeight + g.padding.top + g.padding.bottom) * (g.inWidth + g.padding.left + g.padding.right)
        * g.inChannels
    return !g.isPointwise && g.inChannels <= 4 && padded <= g.scratchCount
}

/// Convolution without im2col (`rc_conv_direct`): the input is zero-padded into `scratch`, then each output
/// row's windows are read in place, one kernel row at a time, against the packed weights; bias, residual and
/// activation apply as the tiles are stored. Same contract as `conv2d`; `scratch` must hold
/// `(inHeight + top + bottom) · (inWidth + left + right) · inChannels` floats (see `suitsDirect`). The rows are
/// split over `threads` (default `KernelDispatch.threads`) when the layer is large enough.
public func conv2dDirect(input: UnsafePointer<Float>, packedWeights: PackedMatrix, bias: UnsafePointer<Float>?,
                         output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                         activation: Activation = .none, scratch: UnsafeMutablePointer<Float>,
                         residual: UnsafePointer<Float>? = nil, isa: InstructionSet = KernelDispatch.active.isa,
                         threads: Int = KernelDispatch.threads) {
    let k = g.kernelHeight * g.kernelWidth * g.inChannels
    precondition(packedWeights.rows == k && packedWeights.columns == g.outChannels,
                 "packed weights are \(packedWeights.rows)×\(packedWeights.columns), the convolution wants \(k)×\(g.outChannels)")
    let p = g.padding
    rc_conv_pad_input(input, Int32(g.inHeight), Int32(g.inWidth), Int32(g.inChannels), Int32(p.top), Int32(p.left),
                      Int32(p.bottom), Int32(p.right), scratch)
    let shared = SharedDirectConv(padded: UnsafePointer(scratch), weights: UnsafePointer(packedWeights.storage),
                                  bias: bias, residual: residual, output: output)
    let rows = g.outHeight
    let parts = threads > 1 && g.outCount * k >= GEMM.threadingThreshold ? min(threads, rows) : 1
    let run: @Sendable (Int, Int) -> Void = { first, last in
        rc_conv_direct(isa.c, shared.padded, Int32(g.inWidth + p.left + p.right), Int32(g.inChannels),
                       Int32(g.kernelHeight), Int32(g.kernelWidth), Int32(g.strideHeight), Int32(g.strideWidth),
                       Int32(g.outHeight), Int32(g.outWidth), Int32(g.outChannels), shared.weights, shared.bias,
                       shared.residual, activation.c, shared.output, Int32(first), Int32(last))
    }
    if parts == 1 {
        run(0, rows)
    } else {
        DispatchQueue.concurrentPerform(iterations: parts) { part in run(rows * part / parts, rows * (part + 1) / parts) }
    }
}

/// The pointers one threaded direct convolution shares among its threads (each writes its own output rows).
private struct SharedDirectConv: @unchecked Sendable {
    let padded: UnsafePointer<Float>
    let weights: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    let residual: UnsafePointer<Float>?
    let output: UnsafeMutablePointer<Float>
}

/// Unrolls the convolution windows of `input` into a (outH·outW) × (kh·kw·cin) matrix (zeros for padding).
public func im2col(input: UnsafePointer<Float>, geometry g: Conv2DGeometry, columns: UnsafeMutablePointer<Float>) {
    let cin = g.inChannels
    let rowLength = g.kernelHeight * g.kernelWidth * cin
    var dst = columns
    for oy in 0..<g.outHeight {
        for ox in 0..<g.outWidth {
            let x0 = ox * g.strideWidth - g.padding.left
            // The run of kernel columns that falls inside the image, for a contiguous copy per kernel row.
            let kxStart = max(0, -x0), kxEnd = min(g.kernelWidth, g.inWidth - x0)
            for ky in 0..<g.kernelHeight {
                let iy = oy * g.strideHeight - g.padding.top + ky
                let rowDst = dst + ky * g.kernelWidth * cin
                if iy < 0 || iy >= g.inHeight || kxStart >= kxEnd {
                    rowDst.update(repeating: 0, count: g.kernelWidth * cin)
                    continue
                }
                if kxStart > 0 { rowDst.update(repeating: 0, count: kxStart * cin) }
                let src = input + (iy * g.inWidth + x0 + kxStart) * cin
                (rowDst + kxStart * cin).update(from: src, count: (kxEnd - kxStart) * cin)
                if kxEnd < g.kernelWidth {
                    (rowDst + kxEnd * cin).update(repeating: 0, count: (g.kernelWidth - kxEnd) * cin)
                }
            }
            dst += rowLength
        }
    }
}

/// Reference convolution with plain loops (same contract as `conv2d`, no scratch).
public func conv2dNaive(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                        activation: Activation = .none, residual: UnsafePointer<Float>? = nil) {
    let cin = g.inChannels, cout = g.outChannels
    for oy in 0..<g.outHeight {
        for ox in 0..<g.outWidth {
            for co in 0..<cout {
                var sum: Float = bias?[co] ?? 0
                for ky in 0..<g.kernelHeight {
                    let iy = oy * g.strideHeight - g.padding.top + ky
                    guard iy >= 0, iy < g.inHeight else { continue }
                    for kx in 0..<g.kernelWidth {
                        let ix = ox * g.strideWidth - g.padding.left + kx
                        guard ix >= 0, ix < g.inWidth else { continue }
                        for ci in 0..<cin {
                            sum += input[(iy * g.inWidth + ix) * cin + ci]
                                * weights[((ky * g.kernelWidth + kx) * cin + ci) * cout + co]
                        }
                    }
                }
                let at = (oy * g.outWidth + ox) * cout + co
                output[at] = activation.apply(sum + (residual?[at] ?? 0))
            }
        }
    }
}
