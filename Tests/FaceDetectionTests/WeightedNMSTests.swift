import FaceDetection
import Testing

@Suite struct WeightedNMSTests {
    func box(_ score: Float, _ x: Float, _ y: Float, _ side: Float) -> NormalizedDetection {
        NormalizedDetection(score: score, xMin: x, yMin: y, xMax: x + side, yMax: y + side,
                            keypoints: [Float](repeating: x, count: 12))
    }

    @Test func overlappingDetectionsAreBlendedByScore() {
        // Two overlapping boxes (IoU 0.82) and one far away.
        let a = box(0.9, 0.10, 0.10, 0.2), b = box(0.6, 0.12, 0.10, 0.2), c = box(0.7, 0.6, 0.6, 0.1)
        let out = weightedNonMaxSuppression([b, c, a], threshold: 0.3)
        #expect(out.count == 2)
        #expect(out[0].score == 0.9)
        let expectedX: Float = (0.10 * 0.9 + 0.12 * 0.6) / 1.5
        #expect(abs(out[0].xMin - expectedX) < 1e-6)
        #expect(abs(out[0].keypoints[0] - expectedX) < 1e-6)
        #expect(abs(out[0].xMax - (expectedX + 0.2)) < 1e-6)
        #expect(out[1] == c)
    }

    @Test func disjointDetectionsAllSurviveInScoreOrder() {
        let out = weightedNonMaxSuppression([box(0.5, 0, 0, 0.1), box(0.8, 0.5, 0.5, 0.1)], threshold: 0.3)
        #expect(out.map(\.score) == [0.8, 0.5])
    }

    @Test func degenerateBoxesDoNotLoopForever() {
        let flat = NormalizedDetection(score: 0.9, xMin: 0.5, yMin: 0.5, xMax: 0.5, yMax: 0.5, keypoints: [])
        #expect(weightedNonMaxSuppression([flat, flat], threshold: 0.3).count == 1)
        #expect(weightedNonMaxSuppression([], threshold: 0.3).isEmpty)
    }
}
