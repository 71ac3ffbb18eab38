import CNeuralKernels
import COpenBLAS
import Dispatch

// Fully connected layer: a GEMV for one row (Neural's own, in the active instruction set, split over the
// kernel threads by columns; OpenBLAS's when it is the chosen GEMM), the GEMM for a batch; and the naive
// reference.
// Weights [inCount, outCount] row-major (see Kernels.swift).

/// `output[b, o] = act(bias[o] + Σ input[b, i] · weights[i, o])` for `batch` rows.
public func fullyConnected(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                           output: UnsafeMutablePointer<Float>, batch: Int = 1, inCount: Int, outCount: Int,
                           activation: Activation = .none, isa: InstructionSet = KernelDispatch.active.isa) {
    let epilogue = GEMMEpilogue(bias: bias, activation: activation)
    guard batch == 1 else {
        GEMM.multiply(m: batch, n: outCount, k: inCount, a: input, b: weights, c: output, epilogue: epilogue, isa: isa)
        return
    }
    if KernelDispatch.active.gemm == .openblas {
        // y = Wᵀx with W row-major [in, out].
        if let bias { output.update(from: bias, count: outCount) }
        cblas_sgemv(CblasRowMajor, CblasTrans, Int32(inCount), Int32(outCount), 1, weights, Int32(outCount),
                    input, 1, bias != nil ? 1 : 0, output, 1)
        applyActivation(activation, to: output, count: outCount)
        return
    }
    let threads = KernelDispatch.threads
    let blocks = (outCount + 127) / 128
    guard threads > 1, blocks >= 2, inCount * outCount >= GEMM.threadingThreshold else {
        var e = epilogue.c
        rc_sgemv(isa.c, Int32(outCount), Int32(inCount), input, weights, outCount, output, &e)
        return
    }
    let shared = SharedGEMV(input: input, weights: weights, bias: bias, output: output, activation: activation.c)
    let parts = min(threads, blocks)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
        let first = blocks * part / parts * 128, last = min(outCount, blocks * (part + 1) / parts * 128)
        guard first < last else { return }
        var e = rc_epilogue(bias: shared.bias.map { $0 + first }, residual: nil, residual_stride: 0,
                            activation: shared.activation, accumulate: 0, residual_columns: 0)
        rc_sgemv(isa.c, Int32(last - first), Int32(inCount), shared.input, shared.weights + first, outCount,
                 shared.output + first, &e)
    }
}

/// The pointers one threaded GEMV shares among its threads (each writes its own columns).
private struct SharedGEMV: @unchecked Sendable {
    let input: UnsafePointer<Float>
    let weights: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    let output: UnsafeMutablePointer<Float>
    let activation: rc_activation
}
/// Reference fully connected layer with plain loops (same contract as `fullyConnected`).
public func fullyConnectedNaive(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                output: UnsafeMutablePointer<Float>, batch: Int = 1, inCount: Int, outCount: Int,
                                activation: Activation = .none) {
    for b in 0..<batch {
        for o in 0..<outCount {
            var sum: Float = bias?[o] ?? 0
            for i in 0..<inCount { sum += input[b * inCount + i] * weights[i * outCount + o] }
            output[b * outCount + o] = activation.apply(sum)
        }
    }
}
