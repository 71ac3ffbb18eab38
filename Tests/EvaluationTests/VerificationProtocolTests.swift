import Testing
import FaceRecognition
@testable import Evaluation

@Suite struct VerificationProtocolTests {
    @Test func bestThresholdIsTheSmallestDistanceMaximisingAccuracy() {
        // same pairs at 0.2, 0.3; different at 0.5, 0.7 → any t in (0.3, 0.5] is perfect; smallest candidate is 0.5.
        let t = VerificationProtocol.bestThreshold(distances: [0.2, 0.7, 0.3, 0.5], same: [true, false, true, false])
        #expect(t == 0.5)
        #expect(VerificationProtocol.accuracy(distances: [0.2, 0.7, 0.3, 0.5], same: [true, false, true, false], threshold: t) == 1)
    }

    @Test func foldsUseThresholdsFromTheOtherFolds() {
        // Two folds of two pairs. Fold 1 (0.4 different, 0.45 same) is inverted: its best candidate is 0.4
        // (both called different, one right), which then separates fold 0 perfectly; fold 0's best
        // candidate, 0.9, calls both of fold 1's pairs same: one right.
        let r = VerificationProtocol.evaluate(distances: [0.1, 0.9, 0.4, 0.45], same: [true, false, false, true], folds: 2)
        #expect(r.foldThresholds == [0.4, 0.9])
        #expect(r.foldAccuracies == [1, 0.5])
        #expect(r.mean == 0.75)
    }

    @Test func pairsFileIsParsedAndValidated() throws {
        let text = "2 1\nAnn 1 2\nAnn 1 Bob 3\nCid 4 12\nDee 1 Eve 1\n"
        let p = try LFWPairs(text: text)
        #expect(p.folds == 2 && p.foldSize == 2)
        #expect(p.pairs[0] == .init(first: "images/Ann/Ann_0001.jpg", second: "images/Ann/Ann_0002.jpg", same: true))
        #expect(p.pairs[3].second == "images/Eve/Eve_0001.jpg")
        #expect(throws: RecognitionError.self) { _ = try LFWPairs(text: "2 1\nAnn 1 2\n") }
        #expect(throws: RecognitionError.self) { _ = try LFWPairs(text: "1 1\n../x 1 2\nA 1 B 2\n") }
        #expect(throws: RecognitionError.self) { _ = try LFWPairs(text: "") }
    }
}
