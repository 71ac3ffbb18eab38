@testable import Emotion
import Testing

@Suite struct EmotionSmootherTests {
    static func estimate(_ label: EmotionLabel, _ probability: Float) -> EmotionEstimate {
        let rest = (1 - probability) / 6
        var values = [Float](repeating: rest, count: 7)
        values[label.rawValue] = probability
        return EmotionEstimate(probabilities: values)
    }

    @Test func firstEstimateIsTakenAsIs() {
        var smoother = EmotionSmoother<Int>(configuration: .init(alpha: 0.3, uncertainBelow: 0.4))
        let result = smoother.update(track: 1, with: Self.estimate(.happy, 0.9))
        #expect(result.label == .happy)
        #expect(result.samples == 1)
        #expect(abs(result.smoothed[.happy] - 0.9) < 1e-6)
    }

    @Test func averagesExponentially() {
        var smoother = EmotionSmoother<Int>(configuration: .init(alpha: 0.25, uncertainBelow: 0.4))
        _ = smoother.update(track: 7, with: Self.estimate(.happy, 1.0))
        let result = smoother.update(track: 7, with: Self.estimate(.sad, 1.0))
        #expect(abs(result.smoothed[.happy] - 0.75) < 1e-6)
        #expect(abs(result.smoothed[.sad] - 0.25) < 1e-6)
        #expect(result.label == .happy)
        #expect(result.samples == 2)
    }

    @Test func reportsUncertainBelowTheLevel() {
        var smoother = EmotionSmoother<Int>(configuration: .init(alpha: 0.5, uncertainBelow: 0.6))
        _ = smoother.update(track: 1, with: Self.estimate(.happy, 0.9))
        let mixed = smoother.update(track: 1, with: Self.estimate(.angry, 0.9))
        // happy and angry now both sit near 0.5: below 0.6, so uncertain.
        #expect(mixed.isUncertain)
        #expect(mixed.label == nil)
    }

    @Test func keepsTracksApartAndForgetsEndedOnes() {
        var smoother = EmotionSmoother<String>()
        _ = smoother.update(track: "a", with: Self.estimate(.happy, 0.9))
        _ = smoother.update(track: "b", with: Self.estimate(.fear, 0.9))
        #expect(smoother.current(track: "a")?.label == .happy)
        #expect(smoother.current(track: "b")?.label == .fear)
        smoother.end(track: "a")
        #expect(smoother.current(track: "a") == nil)
        #expect(smoother.trackCount == 1)
    }

    @Test func boundsTheNumberOfTracks() {
        var smoother = EmotionSmoother<Int>(configuration: .init(maxTracks: 3))
        for track in 0 ..< 10 { _ = smoother.update(track: track, with: Self.estimate(.neutral, 0.8)) }
        #expect(smoother.trackCount == 3)
        #expect(smoother.current(track: 9) != nil)
        #expect(smoother.current(track: 0) == nil)
    }

    @Test func damagedEstimatesNeverLookConfident() {
        let nan = EmotionEstimate(probabilities: [.nan, 0, 0, 0, 0, 0, 0])
        #expect(abs(nan.topProbability - 1 / 7) < 1e-6)
        let short = EmotionEstimate(probabilities: [1])
        #expect(short.probabilities.count == 7)
    }
}
