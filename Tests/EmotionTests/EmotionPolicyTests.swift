import Emotion
import Foundation
import Testing

@Suite struct EmotionPolicyTests {
    static let happy = EmotionEstimate(probabilities: [0, 0, 0, 0.9, 0.05, 0.05, 0])

    @Test func offByDefault() {
        #expect(!EmotionPolicy().isEnabled(site: "plant-1"))
        #expect(!EmotionPolicy.disabled.isEnabled(site: "anything"))
    }

    @Test func perSiteSwitchOverridesTheDefault() {
        let policy = EmotionPolicy(enabledByDefault: false, sites: ["clinic": true])
        #expect(policy.isEnabled(site: "clinic"))
        #expect(!policy.isEnabled(site: "warehouse"))
        let inverse = EmotionPolicy(enabledByDefault: true, sites: ["office": false])
        #expect(!inverse.isEnabled(site: "office"))
        #expect(inverse.isEnabled(site: "lab"))
    }

    @Test func gateDoesNotRunTheModelWhereEmotionIsOff() {
        var gate = EmotionGate<Int>(policy: EmotionPolicy(sites: ["clinic": true]))
        var calls = 0
        let off = gate.estimate(site: "warehouse", track: 1) { calls += 1; return Self.happy }
        #expect(off == nil)
        #expect(calls == 0)
        #expect(gate.skippedByPolicy == 1)
        let on = gate.estimate(site: "clinic", track: 1) { calls += 1; return Self.happy }
        #expect(on?.label == .happy)
        #expect(calls == 1)
    }

    @Test func decodesFromConfigWithDefaults() throws {
        let json = #"{"sites": {"clinic": true}, "smoothing": {"alpha": 0.5}}"#
        let policy = try JSONDecoder().decode(EmotionPolicy.self, from: Data(json.utf8))
        #expect(!policy.enabledByDefault)
        #expect(policy.isEnabled(site: "clinic"))
        #expect(policy.smoothing.alpha == 0.5)
        #expect(policy.smoothing.uncertainBelow == 0.4)
    }

    @Test func folderSynonymsMapToFERClasses() {
        #expect(EmotionLabel(folderName: "anger") == .angry)
        #expect(EmotionLabel(folderName: "Sadness") == .sad)
        #expect(EmotionLabel(folderName: "happiness") == .happy)
        #expect(EmotionLabel(folderName: "disgusted") == .disgust)
        #expect(EmotionLabel(folderName: "fearful") == .fear)
        #expect(EmotionLabel(folderName: "surprised") == .surprise)
        #expect(EmotionLabel(folderName: "neutral") == .neutral)
        #expect(EmotionLabel(folderName: "contempt") == nil)
        #expect(EmotionLabel.allCases.map(\.name) == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
    }
}
