import Emotion
import Evaluation
import FaceRecognition
import Foundation
import Imaging
import Neural

/// VGG16 features of a face for the centroid emotion method (fc7, L2-normalised by the centroids).
final class EmotionFeatures {
    let network: VGG16
    /// What the centroid file records as the weights' source.
    let weightsName: String
    let preprocessing: VGG16Preprocessing
    static let feature = "vgg16-fc7-l2"

    /// Keras `.h5` weights when given, else the hash-generated network (meaningless features, but the method
    /// runs end to end).
    init(weightsPath: String?, preprocessing: VGG16Preprocessing) throws {
        let weights = try weightsPath.map { try VGG16Weights(kerasFile: $0) } ?? VGG16Weights.hashReference()
        network = VGG16(weights: weights)
        weightsName = weightsPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "hash-reference"
        self.preprocessing = preprocessing
    }

    /// fc7 of the face image.
    func vector(for face: Image) throws -> [Float] {
        guard face.width >= EmotionClassifier.minimumFaceSize, face.height >= EmotionClassifier.minimumFaceSize else {
            throw EmotionError(.faceTooSmall, detail: "face is \(face.width)×\(face.height)")
        }
        return try network.forward(preprocessing.input(from: face)).fc7
    }
}
