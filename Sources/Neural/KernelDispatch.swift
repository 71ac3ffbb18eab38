import CNeuralKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An instruction set Neural's own kernels (the C target CNeuralKernels) are compiled for.
public enum InstructionSet: String, Sendable, CaseIterable, Comparable {
    /// x86-64's SSE2 (or the portable C build elsewhere): runs on every x86-64 CPU.
    case baseline
    /// AVX2 with FMA.
    case avx2
    /// AVX-512 F, BW and VL.
    case avx512

    var c: rc_isa {
        switch self {
        case .baseline: RC_ISA_BASELINE
        case .avx2: RC_ISA_AVX2
        case .avx512: RC_ISA_AVX512
        }
    }

    private var rank: Int {
        switch self {
        case .baseline: 0
        case .avx2: 1
        case .avx512: 2
        }
    }

    public static func < (a: InstructionSet, b: InstructionSet) -> Bool { a.rank < b.rank }

    /// The best instruction set this CPU (and its OS) supports, from CPUID.
    public static var cpuBest: InstructionSet {
        switch rc_cpu_isa() {
        case RC_ISA_AVX512: .avx512
        case RC_ISA_AVX2: .avx2
        default: .baseline
        }
    }

    /// Every variant this CPU can run, baseline first (what the kernel tests iterate over).
    public static var supported: [InstructionSet] { allCases.filter { $0 <= cpuBest } }
}

/// Which matrix-multiply implementation the GEMM-based kernels (convolutions, fully connected) use.
public enum GEMMBackend: String, Sendable, CaseIterable {
    /// Neural's own packed SGEMM (CNeuralKernels), in the active instruction set.
    case rollcall
    /// OpenBLAS's `cblas_sgemm`, in whatever kernel set OpenBLAS picked for this CPU (`BLAS.coreName`).
    case openblas
}

/// The kernels this process runs: chosen once, at first use, from CPUID and two environment variables.
///
/// - `ROLLCALL_ISA=baseline|avx2|avx512` forces an instruction set (one the CPU lacks falls back to the best
///   it has; an unknown value is ignored). Default: the CPU's best.
/// - `ROLLCALL_GEMM=rollcall|openblas` forces the GEMM. Default: Rollcall's own with AVX2 or AVX-512, and
///   OpenBLAS on the baseline instruction set (where OpenBLAS's own detection may still find AVX kernels).
public enum KernelDispatch {
    /// One process's choice.
    public struct Choice: Sendable, Equatable {
        /// The instruction set of every own kernel call.
        public let isa: InstructionSet
        /// The GEMM behind convolutions and fully connected layers.
        public let gemm: GEMMBackend
        /// The CPU's best instruction set (what `isa` would be without an override).
        public let cpuBest: InstructionSet
        /// What was wrong with the environment's overrides, if anything (each message names the variable).
        public let notes: [String]

        /// The name of the GEMM that runs, e.g. "rollcall-avx512" or "openblas-Haswell".
        public var gemmName: String {
            switch gemm {
            case .rollcall: "rollcall-\(isa.rawValue)"
            case .openblas: "openblas-\(BLAS.coreName)"
            }
        }

        /// True on the slow path: the baseline instruction set, or OpenBLAS in its SSE3 "Prescott" kernels
        /// (what OpenBLAS 0.3.21 falls back to on CPUs it does not know).
        public var isSlowPath: Bool {
            isa == .baseline || (gemm == .openblas && BLAS.coreName.lowercased() == "prescott")
        }
    }

    /// The choice this process runs with.
    public static let active: Choice = choose(isaOverride: environment("ROLLCALL_ISA"),
                                              gemmOverride: environment("ROLLCALL_GEMM"))

    /// The choice for given override values (nil: not set). Pure apart from reading CPUID.
    public static func choose(isaOverride: String?, gemmOverride: String?) -> Choice {
        let best = InstructionSet.cpuBest
        var notes = [String]()
        var isa = best
        if let raw = isaOverride, !raw.isEmpty {
            if let wanted = InstructionSet(rawValue: raw.lowercased()) {
                if wanted > best { notes.append("ROLLCALL_ISA=\(raw): this CPU supports up to \(best.rawValue); using \(best.rawValue)") }
                isa = min(wanted, best)
            } else {
                notes.append("ROLLCALL_ISA=\(raw) is not one of baseline, avx2, avx512; ignored")
            }
        }
        var gemm: GEMMBackend = isa == .baseline ? .openblas : .rollcall
        if let raw = gemmOverride, !raw.isEmpty {
            if let wanted = GEMMBackend(rawValue: raw.lowercased()) {
                gemm = wanted
            } else {
                notes.append("ROLLCALL_GEMM=\(raw) is not one of rollcall, openblas; ignored")
            }
        }
        return Choice(isa: isa, gemm: gemm, cpuBest: best, notes: notes)
    }

    /// Threads one own-kernel call (GEMM, depthwise) is split over; set with `BLAS.setThreads(_:)`.
    public static var threads: Int { Int(rc_threads()) }

    /// Runs twelve independent multiply-add chains of `isa`'s vectors for `iterations` rounds (the ceiling the
    /// kernel benchmark compares with) and returns the floating-point operations done.
    @discardableResult
    public static func multiplyAddChains(_ isa: InstructionSet, iterations: Int) -> Double {
        let checksum = rc_fma_chains(isa.c, iterations)
        precondition(checksum.isFinite, "multiply-add chains overflowed")
        return Double(rc_fma_chain_flops(isa.c)) * Double(iterations)
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
