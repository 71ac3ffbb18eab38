import Neural
import RollcallCore
import Testing
@testable import FaceRecognition

/// The packed forest against walking the trees as the file holds them, one by one, on random forests (trees of
/// different depths side by side, features with ties) and random features: the same shape to the bit.
@Suite struct PackedForestTests {
    static func tree(depth: Int, features: Int, shapeLength: Int, _ random: inout SplitMix64) -> DlibRegressionTree {
        let splits = (1 << depth) - 1
        return DlibRegressionTree(
            splitFirst: (0 ..< splits).map { _ in Int32.random(in: 0 ..< Int32(features), using: &random) },
            splitSecond: (0 ..< splits).map { _ in Int32.random(in: 0 ..< Int32(features), using: &random) },
            splitThreshold: (0 ..< splits).map { _ in Float(Int.random(in: -40 ... 40, using: &random)) },
            leafValues: (0 ..< (splits + 1) * shapeLength).map { _ in Float.random(in: -0.01 ... 0.01, using: &random) })
    }

    /// The walk as the file describes it: left when pixel[first] − pixel[second] > threshold.
    static func walked(_ trees: [DlibRegressionTree], features: [Float], shape: [Float]) -> [Float] {
        var shape = shape
        for tree in trees {
            var node = 0
            while node < tree.splitFirst.count {
                let diff = features[Int(tree.splitFirst[node])] - features[Int(tree.splitSecond[node])]
                node = diff > tree.splitThreshold[node] ? 2 * node + 1 : 2 * node + 2
            }
            let leaf = (node - tree.splitFirst.count) * shape.count
            for k in shape.indices { shape[k] += tree.leafValues[leaf + k] }
        }
        return shape
    }

    @Test(arguments: [(shapeLength: 10, features: 500), (shapeLength: 3, features: 7), (shapeLength: 136, features: 40)])
    func walksAndSumsAsTheTreesRead(shapeLength: Int, features featureCount: Int) {
        var random = SplitMix64(seed: UInt64(shapeLength * 1000 + featureCount))
        var chosen = [Int](), gathered = [Float]()
        for round in 0 ..< 20 {
            let trees = (0 ..< Int.random(in: 1 ... 60, using: &random)).map { _ in
                Self.tree(depth: Int.random(in: 0 ... 6, using: &random), features: featureCount,
                          shapeLength: shapeLength, &random)
            }
            let forest = PackedForest(trees, shapeLength: shapeLength)
            let features = (0 ..< featureCount).map { _ in Float(Int.random(in: 0 ... 60, using: &random)) }
            let start = (0 ..< shapeLength).map { _ in Float.random(in: 0 ... 1, using: &random) }
            var shape = start
            forest.apply(features: features, to: &shape, leaves: &chosen, gathered: &gathered)
            let expected = Self.walked(trees, features: features, shape: start)
            #expect(shape.map(\.bitPattern) == expected.map(\.bitPattern), "round \(round)")
        }
    }
}
