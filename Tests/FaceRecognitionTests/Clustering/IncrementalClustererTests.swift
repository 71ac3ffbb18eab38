import Testing
import Evaluation
@testable import FaceRecognition

/// Three people far apart, each photographed five times with small variations.
private func people(count: Int = 3, photos: Int = 5) -> [(label: Int, embedding: [Float])] {
    var faces = [(label: Int, embedding: [Float])]()
    for person in 0 ..< count {
        var centre = [Float](repeating: 0, count: 6)
        centre[person] = 2
        for photo in 0 ..< photos {
            let noise = clusteringVector(100 * person + photo)
            faces.append((person, zip(centre, noise).map { $0 + 0.2 * $1 }))
        }
    }
    return faces
}

@Suite struct IncrementalClustererTests {
    let policy = ClusteringPolicy(linkage: .average, joinDistance: 0.5, mergeDistance: 0.5)

    func cluster(_ faces: [(label: Int, embedding: [Float])], order: [Int],
                 policy: ClusteringPolicy) throws -> [Int64] {
        var c = try IncrementalClusterer(policy: policy)
        var placed = [Int64](repeating: 0, count: faces.count)
        var absorbedInto = [Int64: Int64]()
        for (step, i) in order.enumerated() {
            let p = try c.add(faces[i].embedding, newClusterID: Int64(step + 1))
            placed[i] = p.cluster
            for gone in p.absorbed { absorbedInto[gone] = p.cluster }
        }
        return placed.map { id in
            var id = id
            while let next = absorbedInto[id] { id = next }
            return id
        }
    }

    @Test(arguments: [ClusterLinkage.average, .centroid])
    func separatedPeopleAreFoundInAnyArrivalOrder(linkage: ClusterLinkage) throws {
        let faces = people()
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 10 {
            let order = faces.indices.shuffled(using: &generator)
            let assigned = try cluster(faces, order: order,
                                       policy: ClusteringPolicy(linkage: linkage, joinDistance: 0.5, mergeDistance: 0.5))
            let score = ClusteringScore(clusters: assigned, labels: faces.map(\.label))
            #expect(score.pairwisePrecision == 1)
            #expect(score.pairwiseRecall == 1)
            #expect(score.clusters == 3)
        }
    }

    @Test func aFaceBetweenTwoClustersOfOnePersonMergesThem() throws {
        var c = try IncrementalClusterer(policy: ClusteringPolicy(linkage: .centroid, joinDistance: 0.6, mergeDistance: 1.1))
        let left: [Float] = [0, 0], right: [Float] = [1.2, 0]
        #expect(try c.add(left, newClusterID: 7).created)
        #expect(try c.add(right, newClusterID: 3).created)
        // Joins the left cluster (0.55 < 0.6); its centroid moves to 0.275, within 1.1 of the right one.
        let bridge = try c.add([0.55, 0], newClusterID: 9)
        #expect(bridge.cluster == 3)
        #expect(bridge.absorbed == [7])
        #expect(bridge.created == false)
        #expect(c.ids == [3])
        #expect(c.clusters[3]?.count == 3)
    }

    @Test func mergeDistanceZeroNeverMerges() throws {
        var c = try IncrementalClusterer(policy: ClusteringPolicy(linkage: .centroid, joinDistance: 0.6, mergeDistance: 0))
        _ = try c.add([0, 0], newClusterID: 1)
        _ = try c.add([1.0, 0], newClusterID: 2)
        let p = try c.add([0.5, 0], newClusterID: 3)
        #expect(p.absorbed.isEmpty)
        #expect(c.ids == [1, 2])
    }

    @Test func adminMergeKeepsTheLowerIdAndRemoveForgets() throws {
        var c = try IncrementalClusterer(policy: policy)
        _ = try c.add([0, 0], newClusterID: 5)
        _ = try c.add([9, 9], newClusterID: 2)
        #expect(try c.merge(5, 2) == 2)
        #expect(c.clusters[2]?.count == 2)
        #expect(throws: RecognitionError.self) { try c.merge(2, 2) }
        #expect(throws: RecognitionError.self) { try c.merge(2, 5) }
        #expect(c.remove(2)?.count == 2)
        #expect(c.clusters.isEmpty)
    }

    @Test func badInputIsRefusedAndChangesNothing() throws {
        var c = try IncrementalClusterer(policy: policy)
        _ = try c.add([0, 0, 0], newClusterID: 1)
        let before = c
        #expect(throws: RecognitionError.self) { try c.add([0, 0], newClusterID: 2) }
        #expect(throws: RecognitionError.self) { try c.add([0, .nan, 0], newClusterID: 2) }
        #expect(throws: RecognitionError.self) { try c.add([5, 5, 5], newClusterID: 1) }
        #expect(throws: RecognitionError.self) { try c.set(4, ClusterSummary([1, 2])) }
        #expect(c == before)
        #expect(throws: RecognitionError.self) {
            try IncrementalClusterer(policy: ClusteringPolicy(linkage: .average, joinDistance: 0, mergeDistance: 0))
        }
        #expect(throws: RecognitionError.self) {
            try IncrementalClusterer(policy: ClusteringPolicy(linkage: .average, joinDistance: 0.5, mergeDistance: .infinity))
        }
    }

    @Test func storedClustersAreRestoredAndJoined() throws {
        var c = try IncrementalClusterer(policy: policy)
        var stored = ClusterSummary([1, 0])
        stored.add([1.1, 0])
        try c.set(40, stored)
        let p = try c.add([1.05, 0.05], newClusterID: 41)
        #expect(p.cluster == 40)
        #expect(p.created == false)
        #expect(try #require(p.distance) < 0.5)
    }
}

extension IncrementalClustererTests {
    @Test func aTracksLaterFacesJoinItsClusterWhateverTheirDistance() throws {
        var c = try IncrementalClusterer(policy: policy)
        _ = try c.add([0, 0], newClusterID: 1)
        let p = try c.add([3, 0], to: 1)
        #expect(p.cluster == 1)
        #expect(p.distance == 3)
        #expect(c.clusters[1]?.count == 2)
        #expect(throws: RecognitionError.self) { try c.add([0, 0], to: 2) }
        #expect(throws: RecognitionError.self) { try c.add([0], to: 1) }
    }
}
