import Testing
@testable import Evaluation
import FaceRecognition

@Suite struct ClusteringScoreTests {
    @Test func perfectClusteringScoresOne() {
        let s = ClusteringScore(clusters: [9, 9, 4, 4, 4], labels: ["a", "a", "b", "b", "b"])
        #expect(s.pairwisePrecision == 1 && s.pairwiseRecall == 1)
        #expect(s.bcubedPrecision == 1 && s.bcubedRecall == 1)
        #expect(s.clusters == 2 && s.labels == 2 && s.items == 5)
    }

    @Test func figuresMatchAHandCount() {
        // Cluster 1 = {a, a, b}, cluster 2 = {b}. Pairs in clusters: 3, of which 1 same-person. Same-person
        // pairs: a-a, b-b = 2, of which 1 together.
        let s = ClusteringScore(clusters: [1, 1, 1, 2], labels: ["a", "a", "b", "b"])
        #expect(abs(s.pairwisePrecision - 1.0 / 3) < 1e-12)
        #expect(abs(s.pairwiseRecall - 0.5) < 1e-12)
        // BCubed precision: a: 2/3, a: 2/3, b: 1/3, b: 1/1 → 8/3 / 4. Recall: a: 1, a: 1, b: 1/2, b: 1/2 → 3/4.
        #expect(abs(s.bcubedPrecision - (8.0 / 3) / 4) < 1e-12)
        #expect(abs(s.bcubedRecall - 0.75) < 1e-12)
    }

    @Test func singletonsArePreciseButRecallNothing() {
        let s = ClusteringScore(clusters: [1, 2, 3, 4], labels: [0, 0, 1, 1])
        #expect(s.pairwisePrecision == 1)
        #expect(s.pairwiseRecall == 0)
        #expect(s.bcubedRecall == 0.5)
    }
}
