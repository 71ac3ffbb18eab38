// The recognizer used while no recognition backend is linked in: every call says so (HTTP 503).
import FaceDetection
import Foundation

/// Refuses every request with `.unavailable`; the API and dashboard keep working for everything else.
public struct UnavailableRecognizer: FaceRecognizer {
    let reason: String
    public var modelID: String { "none" }
    public var dimension: Int { 128 }

    public init(reason: String) {
        self.reason = reason
    }

    public func analyze(_ image: EncodedImage, emotion: Bool) async throws(CloudError) -> [AnalyzedFace] {
        throw CloudError(.unavailable, reason, subject: "recognizer")
    }

    public func analyzeCrop(_ image: EncodedImage, face: DetectedFace, emotion: Bool) async throws(CloudError)
        -> AnalyzedFace {
        throw CloudError(.unavailable, reason, subject: "recognizer")
    }
}
