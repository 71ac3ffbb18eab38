// DlibShapePredictorFile: reads dlib's `shape_predictor` (dlib/image_processing/shape_predictor.h), the
// cascade of regression-tree forests of Kazemi & Sullivan's "One millisecond face alignment", as stored in
// shape_predictor_5_face_landmarks.dat.
//
// Layout: version 1; initial_shape (float matrix, 2·parts × 1: x0 y0 x1 y1 … in box-normalised units);
// forests (vector of cascade levels, each a vector of trees; a tree is a vector of splits — idx1, idx2 as
// unsigned integers, thresh as float — then a vector of leaf vectors, each a float matrix 2·parts × 1);
// anchor_idx (vector per level of unsigned part indices, one per feature pixel); deltas (vector per level
// of (x, y) float offsets from the anchor part, in box-normalised units).

/// One regression tree: a complete binary tree stored breadth-first, splits then leaves.
public struct DlibRegressionTree: Sendable, Equatable {
    /// Per split node (breadth-first): the two feature pixels compared.
    public var splitFirst: [Int32]
    public var splitSecond: [Int32]
    /// Per split node: go left when pixel[first] − pixel[second] > threshold.
    public var splitThreshold: [Float]
    /// Leaf shape increments, leaves × (2·parts) floats.
    public var leafValues: [Float]

    /// Number of leaves (splits + 1).
    public var leafCount: Int { splitFirst.count + 1 }

    /// A tree from its parts, unchecked (the file reader checks what it reads; tests build their own).
    public init(splitFirst: [Int32], splitSecond: [Int32], splitThreshold: [Float], leafValues: [Float]) {
        self.splitFirst = splitFirst
        self.splitSecond = splitSecond
        self.splitThreshold = splitThreshold
        self.leafValues = leafValues
    }
}

/// One level of the cascade: its feature pixels and trees.
public struct DlibCascadeLevel: Sendable, Equatable {
    /// For each feature pixel, the part it is anchored to.
    public var anchors: [Int32]
    /// For each feature pixel, its offset (x, y) from the anchor in the mean shape's normalised units.
    public var deltas: [Float]
    /// The forest, applied in order.
    public var trees: [DlibRegressionTree]
}

/// A dlib shape predictor read from its file.
public struct DlibShapePredictorFile: Sendable, Equatable {
    /// Number of landmarks.
    public var partCount: Int
    /// The mean shape in box-normalised coordinates (x0, y0, x1, y1, …).
    public var initialShape: [Float]
    /// Cascade levels, applied in order.
    public var levels: [DlibCascadeLevel]

    /// Reads a shape predictor; the file must end with it.
    public init(reading reader: inout DlibReader) throws(DlibError) {
        _ = try reader.expectVersion(1 ... 1, of: "shape_predictor")
        let shape = try reader.readFloatMatrix(maxElements: 2 * 1024)
        guard shape.cols == 1, shape.rows >= 2, shape.rows % 2 == 0 else {
            throw reader.error(.invalidValue, "initial shape is \(shape.rows)×\(shape.cols)")
        }
        initialShape = shape.values
        partCount = shape.rows / 2

        let levelCount = try reader.readCount(limit: 1000, what: "cascade levels")
        var forests = [[DlibRegressionTree]]()
        for _ in 0 ..< levelCount {
            let treeCount = try reader.readCount(limit: 100_000, what: "trees")
            var trees = [DlibRegressionTree]()
            trees.reserveCapacity(treeCount)
            for _ in 0 ..< treeCount { trees.append(try Self.readTree(&reader, shapeLength: shape.rows)) }
            forests.append(trees)
        }
        let anchorLevels = try reader.readCount(limit: 1000, what: "anchor levels")
        guard anchorLevels == levelCount else {
            throw reader.error(.invalidValue, "\(anchorLevels) anchor levels for \(levelCount) cascade levels")
        }
        var anchors = [[Int32]]()
        for _ in 0 ..< levelCount {
            let count = try reader.readCount(limit: 1 << 20, what: "feature pixels")
            var level = [Int32]()
            level.reserveCapacity(count)
            for _ in 0 ..< count {
                level.append(Int32(try reader.readCount(limit: partCount - 1, what: "anchor part")))
            }
            anchors.append(level)
        }
        let deltaLevels = try reader.readCount(limit: 1000, what: "delta levels")
        guard deltaLevels == levelCount else {
            throw reader.error(.invalidValue, "\(deltaLevels) delta levels for \(levelCount) cascade levels")
        }
        levels = []
        for index in 0 ..< levelCount {
            let count = try reader.readCount(limit: 1 << 20, what: "feature pixels")
            guard count == anchors[index].count else {
                throw reader.error(.invalidValue, "level \(index): \(count) deltas for \(anchors[index].count) anchors")
            }
            var deltas = [Float]()
            deltas.reserveCapacity(2 * count)
            for _ in 0 ..< 2 * count { deltas.append(try reader.readFiniteFloat(what: "delta")) }
            for tree in forests[index] {
                let limit = Int32(count)
                guard tree.splitFirst.allSatisfy({ $0 < limit }), tree.splitSecond.allSatisfy({ $0 < limit }) else {
                    throw reader.error(.invalidValue, "level \(index): a split names a feature pixel ≥ \(count)")
                }
            }
            levels.append(DlibCascadeLevel(anchors: anchors[index], deltas: deltas, trees: forests[index]))
        }
        guard reader.remaining == 0 else {
            throw reader.error(.invalidValue, "\(reader.remaining) bytes follow the shape predictor")
        }
    }

    private static func readTree(_ reader: inout DlibReader, shapeLength: Int) throws(DlibError) -> DlibRegressionTree {
        let splitCount = try reader.readCount(limit: 1 << 16, what: "splits")
        var first = [Int32](), second = [Int32](), threshold = [Float]()
        first.reserveCapacity(splitCount)
        second.reserveCapacity(splitCount)
        threshold.reserveCapacity(splitCount)
        for _ in 0 ..< splitCount {
            first.append(Int32(try reader.readCount(limit: 1 << 20, what: "split pixel")))
            second.append(Int32(try reader.readCount(limit: 1 << 20, what: "split pixel")))
            threshold.append(try reader.readFiniteFloat(what: "split threshold"))
        }
        let leafCount = try reader.readCount(limit: 1 << 17, what: "leaves")
        guard leafCount == splitCount + 1, leafCount & (leafCount - 1) == 0 else {
            throw reader.error(.invalidValue, "tree with \(splitCount) splits and \(leafCount) leaves is not complete")
        }
        var leaves = [Float]()
        leaves.reserveCapacity(leafCount * shapeLength)
        for _ in 0 ..< leafCount {
            let leaf = try reader.readFloatMatrix(maxElements: shapeLength)
            guard leaf.rows == shapeLength, leaf.cols == 1 else {
                throw reader.error(.invalidValue, "leaf is \(leaf.rows)×\(leaf.cols), expected \(shapeLength)×1")
            }
            leaves.append(contentsOf: leaf.values)
        }
        return DlibRegressionTree(splitFirst: first, splitSecond: second, splitThreshold: threshold, leafValues: leaves)
    }
}
