import Cloud
import Emotion
import Foundation
import Testing
import Wire

/// The Wire form of the cloud's results, as published on a site's results topic.
@Suite struct MQTTFleetTests {
    @Test func smoothedEmotionsAndPrivacyResultsEncode() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent()
        let happy = TestImages.png(seed: 90), flat = TestImages.png(seed: 91)
        env.recognizer.scriptFace(happy, embedding: Embeddings.axis(90))
        env.recognizer.scriptFace(flat, embedding: Embeddings.axis(91), emotion: EmotionEstimate(label: .neutral, probability: 0.2))
        func face(_ image: [UInt8], track: String) -> IncomingCrop {
            IncomingCrop(messageID: UUID(), siteID: "hq", agentID: "agent-1", camera: "door", trackID: track,
                         frameTime: Date(), image: image, quality: 0.9, detectionScore: 0.9)
        }
        let known = MQTTFleet.wireResult(try await env.aggregator.process(face(happy, track: "11")))
        #expect(known.emotion == .happy && known.emotionScore.map { abs($0 - 0.9) < 1e-6 } == true)
        #expect(known.trackID == 11)
        // Wire knows the seven classes only: an "uncertain" track is published without an emotion.
        let uncertain = try await env.aggregator.process(face(flat, track: "12"))
        #expect(uncertain.emotion == TrackEmotion.uncertain)
        let wire = MQTTFleet.wireResult(uncertain)
        #expect(wire.emotion == nil && wire.emotionScore == nil)
        let decoded = try Wire.RecognitionResult(decoding: try wire.encoded())
        #expect(decoded.emotion == nil && decoded.trackID == 12)
        // A privacy-mode result: no emotion, encodes like any other.
        let privacy = try await env.aggregator.process(IncomingCrop(
            siteID: "hq", agentID: "agent-1", camera: "door", trackID: "13", frameTime: Date(),
            content: .embedding(modelID: env.recognizer.modelID, values: Embeddings.axis(90)), quality: 0.8,
            detectionScore: 0.9))
        #expect(try Wire.RecognitionResult(decoding: try MQTTFleet.wireResult(privacy).encoded()).emotion == nil)
    }
}
