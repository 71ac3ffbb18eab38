/// Places buffers in one arena by lifetime: buffers whose lifetimes overlap get disjoint ranges, others may share
/// memory. Greedy first-fit, largest first (each buffer goes at the lowest offset free during its lifetime).
public struct ArenaPlanner: Sendable {
    /// A buffer to place: its size in floats and the first and last steps that use it (inclusive).
    public struct Buffer: Sendable {
        public var size: Int
        public var first: Int
        public var last: Int
        public init(size: Int, first: Int, last: Int) {
            self.size = size
            self.first = first
            self.last = last
        }
    }

    /// Offsets are multiples of this many floats (64 bytes).
    public static let alignment = 16

    /// Offset (in floats) of each buffer, in the order given.
    public private(set) var offsets: [Int] = []
    /// Floats the arena needs.
    public private(set) var size = 0

    /// Places `buffers`.
    public init(_ buffers: [Buffer]) {
        func rounded(_ n: Int) -> Int { (n + Self.alignment - 1) / Self.alignment * Self.alignment }
        offsets = [Int](repeating: 0, count: buffers.count)
        var placed: [(offset: Int, size: Int, first: Int, last: Int)] = []
        let order = buffers.indices.sorted { (buffers[$0].size, $1) > (buffers[$1].size, $0) }
        for i in order {
            let b = buffers[i], size = rounded(b.size)
            let conflicts = placed.filter { !($0.last < b.first || b.last < $0.first) }.sorted { $0.offset < $1.offset }
            var offset = 0
            for c in conflicts {
                if offset + size <= c.offset { break }
                offset = max(offset, c.offset + c.size)
            }
            placed.append((offset, size, b.first, b.last))
            offsets[i] = offset
            self.size = max(self.size, offset + size)
        }
    }
}
