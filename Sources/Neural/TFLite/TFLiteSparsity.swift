// TFLite sparse tensors (schema.fbs `SparsityParameters`) and their densification, done once at load.
//
// A sparse tensor of rank r is stored as a traversal over n ≥ r "expanded" dimensions: the r original ones,
// then one per blocked dimension (`blockMap[i]` = the original dimension that block dimension i splits).
// Level l of the traversal walks expanded dimension `traversalOrder[l]` and is either DENSE (all
// `denseSize` indices) or SPARSE_CSR (indices `indices[segments[p] ..< segments[p+1]]` for parent position
// p). The position reached at the last level indexes the stored values.

/// How one traversal level is stored.
public struct TFLiteDimension: Sendable, Equatable {
    /// True for SPARSE_CSR, false for DENSE.
    public var isSparse: Bool
    /// Size of a dense level.
    public var denseSize: Int
    /// CSR segment starts (sparse levels).
    public var segments: [Int]
    /// CSR indices (sparse levels).
    public var indices: [Int]

    public init(isSparse: Bool, denseSize: Int = 0, segments: [Int] = [], indices: [Int] = []) {
        self.isSparse = isSparse
        self.denseSize = denseSize
        self.segments = segments
        self.indices = indices
    }
}

/// A tensor's sparsity description.
public struct TFLiteSparsity: Sendable, Equatable {
    public var traversalOrder: [Int]
    public var blockMap: [Int]
    public var dimensions: [TFLiteDimension]

    public init(traversalOrder: [Int], blockMap: [Int] = [], dimensions: [TFLiteDimension]) {
        self.traversalOrder = traversalOrder
        self.blockMap = blockMap
        self.dimensions = dimensions
    }

    /// Reads schema.fbs `SparsityParameters` (traversal_order 0, block_map 1, dim_metadata 2).
    init(_ t: FlatTable) throws(NeuralError) {
        traversalOrder = (try t.scalars(0, as: Int32.self, "traversal_order") ?? []).map(Int.init)
        blockMap = (try t.scalars(1, as: Int32.self, "block_map") ?? []).map(Int.init)
        var dims = [TFLiteDimension]()
        // DimensionMetadata: format 0, dense_size 1, array_segments_type 2, array_segments 3,
        // array_indices_type 4, array_indices 5. Index vectors: Int32Vector 1, Uint16Vector 2, Uint8Vector 3.
        for d in try t.tables(2, "dim_metadata") {
            let format = try d.scalar(0, default: Int8(0))
            func indexVector(_ typeField: Int, _ field: Int, _ what: String) throws(NeuralError) -> [Int] {
                let kind = try d.scalar(typeField, default: UInt8(0))
                guard let table = try d.table(field, what) else { return [] }
                switch kind {
                case 1: return (try table.scalars(0, as: Int32.self, what) ?? []).map(Int.init)
                case 2: return (try table.scalars(0, as: UInt16.self, what) ?? []).map(Int.init)
                case 3: return (try table.scalars(0, as: UInt8.self, what) ?? []).map(Int.init)
                default: throw NeuralError(.malformedModel, "\(d.name): unknown index vector type \(kind)")
                }
            }
            dims.append(TFLiteDimension(isSparse: format == 1, denseSize: Int(try d.scalar(1, default: Int32(0))),
                                        segments: try indexVector(2, 3, "array_segments"),
                                        indices: try indexVector(4, 5, "array_indices")))
        }
        dimensions = dims
    }

    /// Expands `values` (the stored non-zeros, in traversal order) into a dense row-major tensor of `shape`.
    public func densify<T: Numeric>(_ values: [T], shape: [Int], tensor name: String) throws(NeuralError) -> [T] {
        let rank = shape.count, levels = traversalOrder.count
        func bad(_ why: String) -> NeuralError { NeuralError(.malformedModel, "sparse tensor \(name): \(why)") }
        guard levels == dimensions.count, levels == rank + blockMap.count,
              Set(traversalOrder) == Set(0..<levels), blockMap.allSatisfy({ (0..<rank).contains($0) }) else {
            throw bad("traversal order \(traversalOrder), block map \(blockMap) and \(dimensions.count) levels do not fit rank \(rank)")
        }
        // Sizes of the expanded dimensions.
        var blockSize = [Int](repeating: 1, count: rank), blockDim = [Int](repeating: -1, count: rank)
        var expanded = shape + [Int](repeating: 0, count: blockMap.count)
        for (i, d) in blockMap.enumerated() {
            guard let level = traversalOrder.firstIndex(of: rank + i), !dimensions[level].isSparse,
                  dimensions[level].denseSize > 0, shape[d] % dimensions[level].denseSize == 0 else {
                throw bad("block dimension \(i) is not a dense divisor of dimension \(d)")
            }
            blockSize[d] = dimensions[level].denseSize
            blockDim[d] = rank + i
            expanded[rank + i] = blockSize[d]
            expanded[d] = shape[d] / blockSize[d]
        }
        var strides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
        let total = shape.reduce(1, *)
        var dense = [T](repeating: 0, count: total)
        var coords = [Int](repeating: 0, count: levels)

        func walk(_ level: Int, _ position: Int) throws(NeuralError) {
            if level == levels {
                guard position >= 0, position < values.count else { throw bad("value index \(position) out of range") }
                var linear = 0
                for d in 0..<rank {
                    let c = blockDim[d] >= 0 ? coords[d] * blockSize[d] + coords[blockDim[d]] : coords[d]
                    linear += c * strides[d]
                }
                guard linear < total else { throw bad("coordinate outside the shape \(shape)") }
                dense[linear] = values[position]
                return
            }
            let dim = traversalOrder[level], meta = dimensions[level]
            if meta.isSparse {
                guard position + 1 < meta.segments.count else { throw bad("segment \(position) missing at level \(level)") }
                let lo = meta.segments[position], hi = meta.segments[position + 1]
                guard lo >= 0, lo <= hi, hi <= meta.indices.count else { throw bad("bad segment \(lo)..<\(hi) at level \(level)") }
                for k in lo..<hi {
                    let index = meta.indices[k]
                    guard index >= 0, index < expanded[dim] else { throw bad("index \(index) ≥ \(expanded[dim]) at level \(level)") }
                    coords[dim] = index
                    try walk(level + 1, k)
                }
            } else {
                guard meta.denseSize == expanded[dim] else {
                    throw bad("dense level \(level) has size \(meta.denseSize), dimension is \(expanded[dim])")
                }
                for i in 0..<meta.denseSize {
                    coords[dim] = i
                    try walk(level + 1, position * meta.denseSize + i)
                }
            }
        }
        try walk(0, 0)
        return dense
    }
}
