import CNeuralKernels
import COpenBLAS
import Dispatch

// The matrix product behind convolutions and fully connected layers: Neural's own packed SGEMM (CNeuralKernels,
// in the active instruction set) or OpenBLAS (`KernelDispatch.active.gemm`), with the bias, a residual and the
// activation applied as each tile is stored. The naive reference is `GEMM.multiplyNaive`.

/// What a GEMM does to each result before storing it: `act((C if accumulate) + A·B + bias + residual)`.
public struct GEMMEpilogue {
    /// One value per column of C, or nil.
    public var bias: UnsafePointer<Float>?
    /// A matrix the size of C (row stride `residualStride`), or nil; must not overlap C.
    public var residual: UnsafePointer<Float>?
    public var residualStride: Int
    /// The residual's columns when it has fewer than C (its missing columns count as 0: a residual zero-extended
    /// on the right); nil when it has them all.
    public var residualColumns: Int?
    public var activation: Activation
    /// Adds C's existing values too.
    public var accumulate: Bool

    public init(bias: UnsafePointer<Float>? = nil, residual: UnsafePointer<Float>? = nil, residualStride: Int = 0,
                residualColumns: Int? = nil, activation: Activation = .none, accumulate: Bool = false) {
        self.bias = bias
        self.residual = residual
        self.residualStride = residualStride
        self.residualColumns = residualColumns
        self.activation = activation
        self.accumulate = accumulate
    }

    /// Nothing: the plain product.
    public static var none: GEMMEpilogue { GEMMEpilogue() }

    var c: rc_epilogue {
        rc_epilogue(bias: bias, residual: residual, residual_stride: residualStride, activation: activation.c,
                    accumulate: accumulate ? 1 : 0, residual_columns: Int32(residualColumns ?? 0))
    }
}

extension Activation {
    var c: rc_activation {
        switch self {
        case .none: RC_ACT_NONE
        case .relu: RC_ACT_RELU
        case .relu6: RC_ACT_RELU6
        }
    }
}

/// A k×n right-hand matrix (a layer's weights) packed once for Neural's SGEMM: panels of 32 columns, the
/// layout every instruction set's micro-kernel reads. Immutable after `init`.
public final class PackedMatrix: @unchecked Sendable {
    /// Rows (the GEMM's k).
    public let rows: Int
    /// Columns (the GEMM's n).
    public let columns: Int
    let storage: UnsafeMutablePointer<Float>

    /// Packs row-major `matrix` (rows × columns, row stride `stride`, default `columns`).
    public init(rows: Int, columns: Int, matrix: UnsafePointer<Float>, stride: Int? = nil) {
        precondition(rows > 0 && columns > 0, "PackedMatrix needs a non-empty matrix, got \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        let count = rc_gemm_packed_count(Int32(rows), Int32(columns))
        storage = .allocate(capacity: count)
        rc_gemm_pack_b(Int32(rows), Int32(columns), matrix, stride ?? columns, storage)
    }

    deinit { storage.deallocate() }
}

/// Neural's matrix product.
public enum GEMM {
    /// Products smaller than this many multiply-accumulates run on the calling thread alone.
    static let threadingThreshold = 1 << 21

    /// Row-major `C[m×n] = epilogue(A[m×k] · B[k×n])`, with leading dimensions `lda`, `ldb`, `ldc` (default the
    /// widths). `packed`, when given, must be `B` packed (it is used by Neural's GEMM; OpenBLAS reads `b`).
    /// `backend` and `isa` default to `KernelDispatch.active`; the work is split over `threads` (default
    /// `KernelDispatch.threads`; the split never changes a result). C must not overlap A or B.
    public static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int? = nil,
                                b: UnsafePointer<Float>, ldb: Int? = nil, packed: PackedMatrix? = nil,
                                c: UnsafeMutablePointer<Float>, ldc: Int? = nil, epilogue: GEMMEpilogue = .none,
                                backend: GEMMBackend = KernelDispatch.active.gemm,
                                isa: InstructionSet = KernelDispatch.active.isa,
                                threads: Int = KernelDispatch.threads) {
        guard m > 0, n > 0 else { return }
        let lda = lda ?? k, ldb = ldb ?? n, ldc = ldc ?? n
        if backend == .openblas {
            openBLAS(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue)
            return
        }
        if let packed { precondition(packed.rows == k && packed.columns == n, "packed matrix is \(packed.rows)×\(packed.columns), GEMM wants \(k)×\(n)") }
        var ep = epilogue.c
        if threads <= 1 || m * n * k < threadingThreshold {
            if let packed {
                rc_sgemm_packed(isa.c, Int32(m), Int32(n), Int32(k), a, lda, packed.storage, c, ldc, &ep)
            } else {
                rc_sgemm(isa.c, Int32(m), Int32(n), Int32(k), a, lda, b, ldb, c, ldc, &ep)
            }
            return
        }
        let panel = Int(RC_GEMM_PANEL)
        let pb: UnsafePointer<Float>
        if let packed {
            pb = UnsafePointer(packed.storage)
        } else {
            guard let buffer = rc_thread_buffer(0, rc_gemm_packed_count(Int32(k), Int32(n))) else {
                preconditionFailure("out of memory for a \(k)×\(n) GEMM packing buffer")
            }
            rc_gemm_pack_b(Int32(k), Int32(n), b, ldb, buffer)
            pb = UnsafePointer(buffer)
        }
        let shared = SharedGEMM(a: a, pb: pb, c: c, epilogue: ep)
        let grain = Int(RC_GEMM_ROW_GRAIN)
        let rowChunks = (m + grain - 1) / grain
        if rowChunks >= 2 * threads {
            // Split the rows: each thread reads all of B and its own band of A and C.
            let parts = threads
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let first = rowChunks * part / parts * grain, last = min(m, rowChunks * (part + 1) / parts * grain)
                guard first < last else { return }
                var e = shared.epilogue
                if let r = e.residual { e.residual = r + first * e.residual_stride }
                rc_sgemm_packed(isa.c, Int32(last - first), Int32(n), Int32(k), shared.a + first * lda, lda, shared.pb,
                                shared.c + first * ldc, ldc, &e)
            }
        } else {
            // Few rows (a batch of fully connected inputs, a small image): split the column panels.
            let panels = (n + panel - 1) / panel
            let parts = min(threads, panels)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let first = panels * part / parts, last = panels * (part + 1) / parts
                guard first < last else { return }
                let col = first * panel, width = min(n, last * panel) - col
                var e = shared.epilogue
                if let b = e.bias { e.bias = b + col }
                if let r = e.residual {
                    // A narrow residual's columns left for this part: none, some, or all of its width.
                    let left = e.residual_columns > 0 ? Int(e.residual_columns) - col : width
                    e.residual = left > 0 ? r + col : nil
                    e.residual_columns = left > 0 && left < width ? Int32(left) : 0
                }
                rc_sgemm_packed(isa.c, Int32(m), Int32(width), Int32(k), shared.a, lda, shared.pb + first * panel * k,
                                shared.c + col, ldc, &e)
            }
        }
    }

    /// The same product through OpenBLAS (the bias is written first and accumulated into; the residual and
    /// activation follow in a second pass).
    static func openBLAS(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int, epilogue e: GEMMEpilogue) {
        if let bias = e.bias {
            for r in 0 ..< m {
                let row = c + r * ldc
                if e.accumulate { for j in 0 ..< n { row[j] += bias[j] } } else { row.update(from: bias, count: n) }
            }
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda),
                    b, Int32(ldb), e.accumulate || e.bias != nil ? 1 : 0, c, Int32(ldc))
        for r in 0 ..< m where e.residual != nil || e.activation != .none {
            let row = c + r * ldc
            if let residual = e.residual {
                let res = residual + r * e.residualStride
                for j in 0 ..< min(n, e.residualColumns ?? n) { row[j] += res[j] }
            }
            applyActivation(e.activation, to: row, count: n)
        }
    }

    /// Reference product with plain loops (same contract as `multiply`).
    public static func multiplyNaive(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int? = nil,
                                     b: UnsafePointer<Float>, ldb: Int? = nil, c: UnsafeMutablePointer<Float>,
                                     ldc: Int? = nil, epilogue e: GEMMEpilogue = .none) {
        let lda = lda ?? k, ldb = ldb ?? n, ldc = ldc ?? n
        for i in 0 ..< m {
            for j in 0 ..< n {
                var sum: Float = e.accumulate ? c[i * ldc + j] : 0
                for p in 0 ..< k { sum += a[i * lda + p] * b[p * ldb + j] }
                if let bias = e.bias { sum += bias[j] }
                if let residual = e.residual, j < e.residualColumns ?? n { sum += residual[i * e.residualStride + j] }
                c[i * ldc + j] = e.activation.apply(sum)
            }
        }
    }
}

/// The pointers one threaded GEMM shares among its threads (each writes its own rows or columns of C).
private struct SharedGEMM: @unchecked Sendable {
    let a: UnsafePointer<Float>
    let pb: UnsafePointer<Float>
    let c: UnsafeMutablePointer<Float>
    let epilogue: rc_epilogue
}
