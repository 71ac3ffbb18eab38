import CNeuralKernels
import COpenBLAS

/// OpenBLAS controls.
public enum BLAS {
    /// Sets how many threads OpenBLAS uses for every GEMM in this process (call before inference; 1 on the
    /// edge agent, where parallelism comes from cameras, not from one matrix product).
    /// It also sets how many threads Neural's own kernels split one call over (`KernelDispatch.threads`).
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
        rc_set_threads(Int32(max(1, n)))
    }

    /// The CPU kernel set OpenBLAS chose (e.g. "Haswell", "Zen").
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// OpenBLAS's current thread count.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Row-major C[m×n] = A[m×k] · B[k×n] (+ C when `accumulate`), with leading dimensions equal to the widths.
    @inline(__always)
    public static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k),
                    b, Int32(n), accumulate ? 1 : 0, c, Int32(n))
    }
}
