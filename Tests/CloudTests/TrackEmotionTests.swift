import Cloud
import Emotion
import Foundation
import Testing

@Suite struct TrackEmotionTests {
    /// Seven probabilities with `p` on class `index` (FER order: angry, disgust, fear, happy, sad, surprise,
    /// neutral) and the rest spread evenly.
    func estimate(_ index: Int, _ p: Float) -> EmotionEstimate {
        var probabilities = [Float](repeating: (1 - p) / 6, count: 7)
        probabilities[index] = p
        return EmotionEstimate(probabilities: probabilities)
    }

    /// Folds `estimates` into one track's average, as the store keeps it between crops.
    func readings(_ emotions: TrackEmotion, _ estimates: [EmotionEstimate]) -> [TrackEmotion.Reading] {
        var smoothed: TrackEmotion.Smoothed?
        return estimates.map { estimate in
            let (reading, next) = emotions.add(estimate, to: smoothed)
            smoothed = next
            return reading
        }
    }

    @Test func oneOddCropDoesNotFlipASteadyTrack() {
        let emotions = TrackEmotion(alpha: 0.3, uncertainBelow: 0.4)
        let steady = [EmotionEstimate](repeating: estimate(3, 0.9), count: 4)
        let sad = [EmotionEstimate](repeating: estimate(4, 0.9), count: 6)
        let all = readings(emotions, steady + sad)
        #expect(all.prefix(4).allSatisfy { $0.label == "happy" })
        // One crop says "sad" with confidence; the track still reads happy, its score lowered.
        #expect(all[4].label == "happy" && all[4].score < 0.9 && all[4].samples == 5)
        // Sustained "sad" wins after a few crops.
        #expect(all.last?.label == "sad" && all.last?.samples == 10)
    }

    @Test func flatEstimatesReadUncertain() {
        let reading = TrackEmotion(alpha: 0.5, uncertainBelow: 0.4).add(estimate(6, 0.3), to: nil).0
        #expect(reading.label == TrackEmotion.uncertain)
        #expect(abs(reading.score - 0.3) < 1e-6)
        // With smoothing off (alpha 1) every crop stands alone.
        #expect(readings(TrackEmotion(alpha: 1, uncertainBelow: 0.4), [estimate(3, 0.9), estimate(0, 0.8)]).last?.label
                == "angry")
    }

    @Test func theStoredAverageContinuesExactly() {
        // Continuing from a stored average is the moving average itself: (1 - α)·p + α·e per class.
        let emotions = TrackEmotion(alpha: 0.25, uncertainBelow: 0.4)
        let (_, first) = emotions.add(estimate(3, 0.9), to: nil)
        let (reading, second) = emotions.add(estimate(0, 0.7), to: first)
        let expected = zip(first.probabilities, estimate(0, 0.7).probabilities).map { 0.75 * $0 + 0.25 * $1 }
        #expect(second.probabilities == expected)
        #expect(second.samples == 2 && reading.samples == 2 && reading.label == "happy")
        // A stored average of the wrong length (not this binary's classes) starts the track afresh.
        #expect(emotions.add(estimate(5, 0.8), to: .init(probabilities: [1], samples: 9)).1.samples == 1)
        #expect(emotions.add(estimate(5, 0.8), to: .init(probabilities: [1], samples: 9)).0.label == "surprise")
    }

    @Test func aLabelWithoutProbabilitiesIsSpreadOverTheOtherClasses() throws {
        let emotions = TrackEmotion(alpha: 0.5, uncertainBelow: 0.4)
        let reading = emotions.add(EmotionEstimate(label: .surprise, probability: 0.7), to: nil).0
        #expect(reading.label == "surprise" && abs(reading.score - 0.7) < 1e-6)
        // The API's form of an estimate reads back the same way; an unknown label is refused.
        let json = try JSONEncoder().encode(EmotionEstimate(label: .sad, probability: 0.625))
        #expect(String(decoding: json, as: UTF8.self).contains("\"label\":\"sad\""))
        #expect(try JSONDecoder().decode(EmotionEstimate.self, from: json) == EmotionEstimate(label: .sad, probability: 0.625))
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(EmotionEstimate.self, from: Data(#"{"label":"bored","score":0.99}"#.utf8))
        }
    }
}
