/// One allocation holding every activation buffer of a model, planned once (offsets computed up front) and
/// reused for every forward pass, so inference allocates nothing per frame.
///
/// Not thread-safe: one arena belongs to one model instance, used by one thread at a time.
public final class TensorArena {
    /// The start of the allocation.
    public let base: UnsafeMutablePointer<Float>
    /// Its size in floats.
    public let count: Int

    /// Allocates `count` floats (zeroed); the memory is freed with the arena.
    public init(count: Int) {
        self.count = max(count, 1)
        base = .allocate(capacity: self.count)
        base.initialize(repeating: 0, count: self.count)
    }

    deinit { base.deallocate() }

    /// A pointer `offset` floats into the arena.
    @inline(__always) public func pointer(at offset: Int) -> UnsafeMutablePointer<Float> { base + offset }
}
