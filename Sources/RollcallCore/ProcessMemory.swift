#if canImport(Glibc)
import Glibc
#endif

/// Process-wide memory housekeeping for long-running processes.
public enum ProcessMemory {
    /// Makes glibc serve every block of at least `threshold` bytes with its own mapping, returned to the system
    /// when freed (`mallopt(M_MMAP_THRESHOLD, …)`; looked up at run time because Swift's Glibc module does not
    /// export `malloc.h`). By default glibc raises that threshold after the first large block is freed — loading
    /// a model, which passes its bytes through several temporary copies, is enough — and from then on keeps freed
    /// frames, crops and model copies in the heap: an edge agent in edge-match mode stayed at 118 MB instead of
    /// 86 MB. Call once at start, before loading models. A no-op where the function does not exist.
    public static func returnLargeBlocksToTheSystem(threshold: Int32 = 2 << 20) {
        #if canImport(Glibc)
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1   // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(mmapThreshold, threshold)
        // Fixing the mmap threshold also freezes the trim threshold at 128 KiB, and the heap would then shrink
        // and regrow around every frame's buffers; keep up to 32 MiB of free heap top instead.
        _ = mallopt(trimThreshold, 32 << 20)
        #endif
    }
}
