// What the cloud needs from face recognition: faces found in an image, each with an embedding.
import Emotion
import FaceDetection
import FaceRecognition
import Foundation
import Imaging

/// One face found in an image, embedded.
public struct AnalyzedFace: Sendable, Equatable {
    /// The face box in image pixels.
    public var box: Rect
    /// Detector confidence (0…1).
    public var detectionScore: Double
    /// The identity embedding (128 floats for dlib ResNet).
    public var embedding: [Float]
    /// The face's quality (FaceRecognition's one model, as agents measure theirs), measured in the decoded image.
    public var quality: FaceQuality
    /// The estimated emotion, when asked for and available.
    public var emotion: EmotionEstimate?

    public init(box: Rect, detectionScore: Double, embedding: [Float], quality: FaceQuality,
                emotion: EmotionEstimate? = nil) {
        self.box = box
        self.detectionScore = detectionScore
        self.embedding = embedding
        self.quality = quality
        self.emotion = emotion
    }
}

/// Finds, aligns and embeds faces (and estimates emotion). The real one is built from the FaceDetection,
/// FaceRecognition and Emotion modules; CPU-bound, so callers bound how many run at once.
public protocol FaceRecognizer: Sendable {
    /// The embedding model's id (`Backbone.modelID`), written into gallery versions.
    var modelID: String { get }
    /// Embedding length.
    var dimension: Int { get }
    /// Every face in `image`, largest first: detection, then alignment and embedding (`/recognize` and
    /// enrollment photos). `emotion` asks for emotion estimates.
    func analyze(_ image: EncodedImage, emotion: Bool) async throws(CloudError) -> [AnalyzedFace]
    /// The face of an agent's crop, aligned from the geometry the agent shipped (`face`, in the crop's pixels):
    /// no detector runs. Throws `.badMessage` when that geometry cannot be aligned in the crop.
    func analyzeCrop(_ image: EncodedImage, face: DetectedFace, emotion: Bool) async throws(CloudError) -> AnalyzedFace
}
