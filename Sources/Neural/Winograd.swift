import CNeuralKernels
import Dispatch

// 3×3 stride-1 convolution through Winograd F(4×4, 3×3): each 6×6 input patch and each 3×3 kernel are
// transformed so that a 4×4 block of outputs takes 36 multiplications per input/output channel pair instead of
// 144; the 36 products are GEMMs (tiles × cin by cin × cout) in Neural's packed SGEMM. Kernels in CNeuralKernels;
// the reference is `conv2dNaive`. Worth it where channels are many and the image covers most of its 4×4 tiles
// (`WinogradWeights.suits`); results differ from the direct convolution by rounding (~1e-6 relative).

/// A 3×3 convolution's weights transformed for Winograd F(4×4, 3×3) and packed for the GEMM. Immutable.
public final class WinogradWeights: @unchecked Sendable {
    public let inChannels: Int
    public let outChannels: Int
    let storage: UnsafeMutablePointer<Float>

    /// Output tiles processed together (the GEMMs' row count).
    static let blockTiles = 64

    /// Transforms `weights` ([3, 3, cin, cout], HWIO).
    public init(weights: UnsafePointer<Float>, inChannels: Int, outChannels: Int) {
        precondition(inChannels > 0 && outChannels > 0, "WinogradWeights needs channels, got \(inChannels)→\(outChannels)")
        self.inChannels = inChannels
        self.outChannels = outChannels
        let plane = inChannels * outChannels
        let u = UnsafeMutablePointer<Float>.allocate(capacity: 36 * plane)
        defer { u.deallocate() }
        rc_winograd43_weights(Int32(inChannels), Int32(outChannels), weights, u)
        let packedCount = rc_gemm_packed_count(Int32(inChannels), Int32(outChannels))
        storage = .allocate(capacity: 36 * packedCount)
        for xi in 0 ..< 36 {
            rc_gemm_pack_b(Int32(inChannels), Int32(outChannels), u + xi * plane, outChannels, storage + xi * packedCount)
        }
    }

    deinit { storage.deallocate() }

    /// True when `g` is a 3×3 stride-1 convolution that Winograd runs faster than im2col + GEMM on this
    /// machine: at least 16 channels in and out, outputs covering at least half of their 4×4 tiles (measured:
    /// `benchmarks/kernels`), and more than one tile. With a single tile the transformed weights — four times
    /// the plain ones — are read for 16 outputs only, and memory, not arithmetic, sets the time: dlib's 4×4×256
    /// layers took 0.5 ms each through Winograd and 0.11 ms through im2col + GEMM (`rollcall bench embed --profile`).
    public static func suits(_ g: Conv2DGeometry) -> Bool {
        guard g.kernelHeight == 3, g.kernelWidth == 3, g.strideHeight == 1, g.strideWidth == 1,
              g.inChannels >= 16, g.outChannels >= 16 else { return false }
        let tiles = ((g.outHeight + 3) / 4) * ((g.outWidth + 3) / 4)
        return tiles >= 2 && 2 * g.outHeight * g.outWidth >= tiles * 16
    }
}

/// 3×3 stride-1 convolution of one HWC image through Winograd F(4×4, 3×3) (same contract as `conv2d`, with
/// weights from `WinogradWeights`): `output = act(conv(input) + bias + residual)`. Split over `threads` by tiles.
public func conv3x3Winograd(input: UnsafePointer<Float>, weights: WinogradWeights, bias: UnsafePointer<Float>?,
                            output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                            activation: Activation = .none, residual: UnsafePointer<Float>? = nil,
                            isa: InstructionSet = KernelDispatch.active.isa, threads: Int = KernelDispatch.threads) {
    precondition(g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
                 && g.inChannels == weights.inChannels && g.outChannels == weights.outChannels,
                 "conv3x3Winograd needs a 3×3 stride-1 geometry matching its weights")
    let tiles = ((g.outHeight + 3) / 4) * ((g.outWidth + 3) / 4)
    let block = WinogradWeights.blockTiles
    let blocks = (tiles + block - 1) / block
    let shared = SharedWinograd(input: input, weights: weights, bias: bias, output: output, residual: residual)
    let parts = max(1, min(threads, blocks))
    let run: @Sendable (Int) -> Void = { part in
        let first = blocks * part / parts * block, last = min(tiles, blocks * (part + 1) / parts * block)
        guard first < last else { return }
        let count = rc_winograd43_scratch_count(Int32(g.inChannels), Int32(g.outChannels), Int32(block))
        guard let scratch = rc_thread_buffer(1, count) else {
            preconditionFailure("out of memory for \(count) floats of Winograd scratch")
        }
        rc_conv3x3_winograd43(isa.c, shared.input, Int32(g.inHeight), Int32(g.inWidth), Int32(g.inChannels),
                              Int32(g.padding.top), Int32(g.padding.left), Int32(g.outHeight), Int32(g.outWidth),
                              Int32(g.outChannels), shared.weights.storage, shared.bias, shared.residual,
                              activation.c, shared.output, Int32(first), Int32(last), Int32(block), scratch)
    }
    if parts == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: run) }
}

/// The pointers one threaded Winograd convolution shares among its threads (each writes its own tiles).
private struct SharedWinograd: @unchecked Sendable {
    let input: UnsafePointer<Float>
    let weights: WinogradWeights
    let bias: UnsafePointer<Float>?
    let output: UnsafeMutablePointer<Float>
    let residual: UnsafePointer<Float>?
}
