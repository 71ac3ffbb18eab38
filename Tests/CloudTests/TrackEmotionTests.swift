import Cloud
import Emotion
import Foundation
import Testing

@Suite struct TrackEmotionTests {
    let track = TrackKey(siteID: "hq", agentID: "a1", camera: "door", trackID: "7")

    /// Seven probabilities with `p` on class `index` (FER order: angry, disgust, fear, happy, sad, surprise,
    /// neutral) and the rest spread evenly.
    func estimate(_ index: Int, _ p: Float) -> EmotionEstimate {
        var probabilities = [Float](repeating: (1 - p) / 6, count: 7)
        probabilities[index] = p
        return EmotionEstimate(probabilities: probabilities)
    }

    @Test func oneOddCropDoesNotFlipASteadyTrack() {
        var emotions = TrackEmotion(alpha: 0.3, uncertainBelow: 0.4, maxTracks: 100)
        for _ in 0 ..< 4 { #expect(emotions.add(track, estimate(3, 0.9)).label == "happy") }
        // One crop says "sad" with confidence; the track still reads happy, its score lowered.
        let odd = emotions.add(track, estimate(4, 0.9))
        #expect(odd.label == "happy" && odd.score < 0.9 && odd.samples == 5)
        // Sustained "sad" wins after a few crops.
        var labels: [String] = []
        for _ in 0 ..< 5 { labels.append(emotions.add(track, estimate(4, 0.9)).label) }
        #expect(labels.last == "sad")
    }

    @Test func flatEstimatesReadUncertain() {
        var emotions = TrackEmotion(alpha: 0.5, uncertainBelow: 0.4, maxTracks: 100)
        let reading = emotions.add(track, estimate(6, 0.3))
        #expect(reading.label == TrackEmotion.uncertain)
        #expect(abs(reading.score - 0.3) < 1e-6)
        // With smoothing off (alpha 1) every crop stands alone.
        var raw = TrackEmotion(alpha: 1, uncertainBelow: 0.4, maxTracks: 100)
        _ = raw.add(track, estimate(3, 0.9))
        #expect(raw.add(track, estimate(0, 0.8)).label == "angry")
    }

    @Test func tracksAreSeparateBoundedAndForgotten() {
        var emotions = TrackEmotion(alpha: 0.3, uncertainBelow: 0.4, maxTracks: 3)
        let other = TrackKey(siteID: "hq", agentID: "a1", camera: "yard", trackID: "7")
        _ = emotions.add(track, estimate(3, 0.9))
        #expect(emotions.add(other, estimate(0, 0.9)).label == "angry")
        #expect(emotions.count == 2)
        emotions.forget([track])
        #expect(emotions.count == 1)
        // A forgotten track starts again from its next crop.
        #expect(emotions.add(track, estimate(5, 0.8)).samples == 1)
        for index in 0 ..< 10 {
            _ = emotions.add(.init(siteID: "hq", agentID: "b", camera: "c", trackID: "\(index)"), estimate(3, 0.9))
        }
        #expect(emotions.count == 3)
        emotions.reset()
        #expect(emotions.count == 0)
    }

    @Test func aLabelWithoutProbabilitiesIsSpreadOverTheOtherClasses() throws {
        var emotions = TrackEmotion(alpha: 0.5, uncertainBelow: 0.4, maxTracks: 10)
        let reading = emotions.add(track, EmotionEstimate(label: .surprise, probability: 0.7))
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
