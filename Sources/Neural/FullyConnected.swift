import COpenBLAS

// Fully connected layer through OpenBLAS (GEMV for one row, GEMM for a batch), and the naive reference.
// Weights [inCount, outCount] row-major (see Kernels.swift).

/// `output[b, o] = act(bias[o] + Σ input[b, i] · weights[i, o])` for `batch` rows.
public func fullyConnected(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                           output: UnsafeMutablePointer<Float>, batch: Int = 1, inCount: Int, outCount: Int,
                           activation: Activation = .none) {
    if let bias {
        for b in 0..<batch { (output + b * outCount).update(from: bias, count: outCount) }
    }
    if batch == 1 {
        // y = Wᵀx with W row-major [in, out].
        cblas_sgemv(CblasRowMajor, CblasTrans, Int32(inCount), Int32(outCount), 1, weights, Int32(outCount),
                    input, 1, bias != nil ? 1 : 0, output, 1)
    } else {
        BLAS.gemm(m: batch, n: outCount, k: inCount, a: input, b: weights, c: output, accumulate: bias != nil)
    }
    applyActivation(activation, to: output, count: batch * outCount)
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
