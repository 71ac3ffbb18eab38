import Testing
@testable import FaceRecognition

/// Deterministic pseudo-random vectors in [-0.5, 0.5).
func clusteringVector(_ seed: Int, dimension: Int = 6) -> [Float] {
    var state = UInt64(truncatingIfNeeded: seed) &* 6364136223846793005 &+ 1442695040888963407
    return (0 ..< dimension).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int(state >> 40) % 1000) / 1000 - 0.5
    }
}

private func squared(_ a: [Float], _ b: [Float]) -> Double {
    zip(a, b).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
}

@Suite struct ClusterSummaryTests {
    func summary(of members: [[Float]]) -> ClusterSummary {
        var s = ClusterSummary(members[0])
        for m in members.dropFirst() { s.add(m) }
        return s
    }

    let average = ClusteringPolicy(linkage: .average, joinDistance: 1, mergeDistance: 1)
    let centroid = ClusteringPolicy(linkage: .centroid, joinDistance: 1, mergeDistance: 1)

    @Test func averageLinkageEqualsTheMeanSquaredDistanceToEveryMember() {
        let members = (0 ..< 7).map { clusteringVector($0) }
        let probe = clusteringVector(99)
        let s = summary(of: members)
        let brute = members.map { squared($0, probe) }.reduce(0, +) / Double(members.count)
        #expect(abs(s.distance(to: probe, under: average) - brute.squareRoot()) < 1e-6)
        let mean = s.centroid
        #expect(abs(s.distance(to: probe, under: self.centroid) - squared(mean, probe).squareRoot()) < 1e-6)
    }

    @Test func clusterToClusterAverageLinkageEqualsTheMeanOverAllPairs() {
        let a = (0 ..< 4).map { clusteringVector($0) }
        let b = (10 ..< 15).map { clusteringVector($0) }
        var total = 0.0
        for x in a { for y in b { total += squared(x, y) } }
        let brute = (total / Double(a.count * b.count)).squareRoot()
        #expect(abs(summary(of: a).distance(to: summary(of: b), under: average) - brute) < 1e-6)
    }

    @Test func absorbingEqualsAddingEachMember() {
        let a = (0 ..< 3).map { clusteringVector($0) }, b = (5 ..< 9).map { clusteringVector($0) }
        var merged = summary(of: a)
        merged.absorb(summary(of: b))
        let direct = summary(of: a + b)
        #expect(merged.count == 7)
        for (x, y) in zip(merged.sum, direct.sum) { #expect(abs(x - y) < 1e-9) }
        #expect(abs(merged.meanSquaredSpread - direct.meanSquaredSpread) < 1e-9)
    }

    @Test func theSpreadIsShrunkTowardsThePriorByItsWeight() {
        let members: [[Float]] = [[0, 0], [2, 0]]
        let s = summary(of: members)
        #expect(s.meanSquaredSpread == 1)
        #expect(s.shrunkSpread(prior: 0.25, weight: 2) == 0.625)   // (2 × 1 + 2 × 0.25) / 4
        #expect(s.shrunkSpread(prior: 0.25, weight: 0) == 1)
        let one = ClusterSummary([0, 0])
        let prior = ClusteringPolicy(linkage: .average, joinDistance: 1, mergeDistance: 1, priorSpread: 0.09, priorWeight: 1)
        // A lone face: the distance to it is no longer the bare pairwise distance.
        let expected = (0.16 + 0.045).squareRoot()
        #expect(abs(one.distance(to: [0.4, 0], under: prior) - expected) < 1e-7)   // 0.4 as Float
        #expect(abs(one.distance(to: [0.4, 0], under: average) - 0.4) < 1e-6)
        #expect(throws: RecognitionError.self) {
            try ClusteringPolicy(linkage: .average, joinDistance: 1, mergeDistance: 1, priorSpread: -1, priorWeight: 1).validate()
        }
    }

    @Test func oneMemberHasNoSpreadAndStoredStatisticsAreChecked() throws {
        let s = ClusterSummary(clusteringVector(1))
        #expect(s.meanSquaredSpread == 0)
        #expect(s.distance(to: clusteringVector(1), under: average) == 0)
        let restored = try ClusterSummary(count: s.count, sum: s.sum, sumOfSquaredNorms: s.sumOfSquaredNorms)
        #expect(restored == s)
        #expect(throws: RecognitionError.self) { try ClusterSummary(count: 0, sum: [1], sumOfSquaredNorms: 1) }
        #expect(throws: RecognitionError.self) { try ClusterSummary(count: 1, sum: [.nan], sumOfSquaredNorms: 1) }
        #expect(throws: RecognitionError.self) { try ClusterSummary(count: 1, sum: [], sumOfSquaredNorms: 0) }
        #expect(throws: RecognitionError.self) { try ClusterSummary(count: 1, sum: [1], sumOfSquaredNorms: -1) }
    }
}
