// What the cloud needs from face recognition: faces found in an image, each with an embedding.
import FaceRecognition
import Foundation
import Imaging

/// An emotion estimate for one face.
public struct EmotionEstimate: Sendable, Codable, Equatable {
    /// One of angry, disgust, fear, happy, sad, surprise, neutral.
    public var label: String
    /// The label's probability (0…1).
    public var score: Double
    /// All seven probabilities in FER order (angry … neutral), when the classifier gave them; what per-track
    /// smoothing averages. Not part of the JSON.
    public var probabilities: [Float]?

    public init(label: String, score: Double, probabilities: [Float]? = nil) {
        self.label = label
        self.score = score
        self.probabilities = probabilities
    }

    enum CodingKeys: String, CodingKey {
        case label, score
    }
}

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
    /// Every face in `image`, largest first. `emotion` asks for emotion estimates.
    func analyze(_ image: EncodedImage, emotion: Bool) async throws(CloudError) -> [AnalyzedFace]
    /// The face of an agent's crop: like `analyze`, but a crop in which the detector finds no face may still
    /// be embedded as a whole (the agent already found the face). Defaults to `analyze`.
    func analyzeCrop(_ image: EncodedImage, emotion: Bool) async throws(CloudError) -> [AnalyzedFace]
}

extension FaceRecognizer {
    public func analyzeCrop(_ image: EncodedImage, emotion: Bool) async throws(CloudError) -> [AnalyzedFace] {
        try await analyze(image, emotion: emotion)
    }
}
