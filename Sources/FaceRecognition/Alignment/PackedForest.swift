// PackedForest: one cascade level's regression trees with their splits and leaves laid back to back in a few
// flat arrays, walked without touching a per-tree array (the file's form, `[DlibRegressionTree]`, costs a
// retain and release of four arrays per tree). The landmark cascade's time is mostly cache misses on the leaves
// (a few MB of them, one leaf read per tree), so the walk, the leaf reads and the sums are done apart. The
// comparisons and additions are the file's, in the same order: the landmarks are bit for bit those of walking
// the trees as read.
import Neural

/// A cascade level's forest, packed. Immutable and `Sendable`.
struct PackedForest: Sendable {
    /// Every tree's split nodes, breadth-first, one tree after another.
    let splitFirst: [Int32]
    let splitSecond: [Int32]
    let splitThreshold: [Float]
    /// Tree t's splits are `splitStart[t] ..< splitStart[t + 1]`.
    let splitStart: [Int]
    /// Tree t's leaves start at `leafStart[t]` in `leafValues`, `shapeLength` floats each.
    let leafStart: [Int]
    let leafValues: [Float]
    let shapeLength: Int
    /// How many features the splits need (one more than the largest index they name).
    let featureCount: Int

    /// Packs `trees`, whose leaves are `shapeLength` floats each (as the file reader checked).
    init(_ trees: [DlibRegressionTree], shapeLength: Int) {
        var first = [Int32](), second = [Int32](), threshold = [Float](), leaves = [Float]()
        var splitStart = [0], leafStart = [Int]()
        for tree in trees {
            first += tree.splitFirst
            second += tree.splitSecond
            threshold += tree.splitThreshold
            splitStart.append(first.count)
            leafStart.append(leaves.count)
            leaves += tree.leafValues
        }
        (splitFirst, splitSecond, splitThreshold, leafValues) = (first, second, threshold, leaves)
        (self.splitStart, self.leafStart, self.shapeLength) = (splitStart, leafStart, shapeLength)
        featureCount = Int(max(first.max() ?? -1, second.max() ?? -1)) + 1
    }

    /// Walks every tree on `features` (at least `featureCount` of them) and adds each tree's leaf to `shape`
    /// (`shapeLength` floats), tree by tree. First every tree is walked, each step without a branch, and its
    /// leaf noted in `chosen`; then the chosen leaves are copied side by side into `gathered`; then they are
    /// added in tree order. Apart, the leaf reads (most of them cache misses) no longer wait on the walks and
    /// overlap each other; the sums are the same, in the same order. `chosen` and `gathered` are scratch, grown
    /// as needed, so that a caller can keep them from one level to the next.
    func apply(features: [Float], to shape: inout [Float], leaves chosen: inout [Int], gathered: inout [Float]) {
        let shapeLength = self.shapeLength
        precondition(shape.count == shapeLength, "shape of \(shape.count) floats for leaves of \(shapeLength)")
        precondition(features.count >= featureCount, "\(features.count) features for splits that read \(featureCount)")
        let treeCount = leafStart.count
        if chosen.count < treeCount { chosen = [Int](repeating: 0, count: treeCount) }
        features.withUnsafeBufferPointer { features in
            splitFirst.withUnsafeBufferPointer { first in
                splitSecond.withUnsafeBufferPointer { second in
                    splitThreshold.withUnsafeBufferPointer { threshold in
                        chosen.withUnsafeMutableBufferPointer { chosen in
                            for tree in 0 ..< treeCount {
                                let base = splitStart[tree], splits = splitStart[tree + 1] - base
                                var node = 0
                                while node < splits {
                                    let i = base + node
                                    let diff = features[Int(first[i])] - features[Int(second[i])]
                                    node = 2 * node + (diff > threshold[i] ? 1 : 2)
                                }
                                chosen[tree] = leafStart[tree] + (node - splits) * shapeLength
                            }
                        }
                    }
                }
            }
        }
        // The chosen leaves copied side by side first: copies that depend on nothing let many cache misses be in
        // flight at once, where adding straight from the leaves would hold each miss in a chain of additions.
        let gatheredCount = treeCount * shapeLength
        if gathered.count < gatheredCount { gathered = [Float](repeating: 0, count: gatheredCount) }
        leafValues.withUnsafeBufferPointer { leaves in
            chosen.withUnsafeBufferPointer { chosen in
                gathered.withUnsafeMutableBufferPointer { gathered in
                    guard let from = leaves.baseAddress, let to = gathered.baseAddress else { return }
                    for tree in 0 ..< treeCount {
                        Self.copy(from + chosen[tree], to + tree * shapeLength, count: shapeLength)
                    }
                }
            }
        }
        gathered.withUnsafeBufferPointer { gathered in
            shape.withUnsafeMutableBufferPointer { shape in
                for tree in 0 ..< treeCount {
                    let leaf = tree * shapeLength
                    for k in 0 ..< shapeLength { shape[k] += gathered[leaf + k] }
                }
            }
        }
    }

    /// Copies `count` floats four at a time (a leaf is a few floats: a `memmove` call each would cost more).
    @inline(__always) private static func copy(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>,
                                               count: Int) {
        let source = UnsafeRawPointer(from), target = UnsafeMutableRawPointer(to)
        var k = 0
        while k + 4 <= count {
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: 4 * k, as: SIMD4<Float>.self),
                              toByteOffset: 4 * k, as: SIMD4<Float>.self)
            k += 4
        }
        while k < count {
            to[k] = from[k]
            k += 1
        }
    }
}
