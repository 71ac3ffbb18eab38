import FaceDetection
import Imaging

/// The original design's embedding: a VGG16 forward pass on the face, aligned from BlazeFace's keypoints, and
/// either the head (softmax of the class logits, L2-normalised, as the design matched faces) or fc7 (4,096
/// features, L2-normalised). One instance per thread (the network owns its activation buffers).
public final class VGG16FaceEmbedder: FaceEmbedder {
    /// Which of the network's outputs is the embedding.
    public enum Feature: String, Sendable, CaseIterable {
        /// softmax(logits), L2-normalised (1,000-d with ImageNet weights, 2,622-d with VGG-Face's).
        case head
        /// fc7 after ReLU, L2-normalised (4,096-d).
        case fc7
    }

    /// Where the face's eyes and mouth centre land in the 224×224 input, as fractions of its side: a loose,
    /// upright crop with the whole head, like the face boxes VGG-Face was trained on.
    static let canonical: [(x: Double, y: Double)] = [(0.34, 0.40), (0.66, 0.40), (0.50, 0.74)]

    public let network: VGG16
    public let preprocessing: VGG16Preprocessing
    public let feature: Feature

    public init(network: VGG16, preprocessing: VGG16Preprocessing, feature: Feature = .head) {
        self.network = network
        self.preprocessing = preprocessing
        self.feature = feature
    }

    public var modelID: String { Backbone.vgg16.modelID }

    public var dimension: Int {
        feature == .fc7 ? VGG16Weights.hiddenCount : network.classCount
    }

    /// The 224×224 face chip: the similarity that puts the eyes and the mouth centre on `canonical`.
    public static func chip(of image: Image, face: DetectedFace) throws(RecognitionError) -> Image {
        let side = Double(VGG16Weights.inputSize)
        // Pixel-index coordinates on both sides (a pixel's centre at its index; `Point`s have it at +0.5).
        let marks = [face[.rightEye], face[.leftEye], face[.mouthCenter]].map { (x: Double($0.x) - 0.5, y: Double($0.y) - 0.5) }
        let targets = Self.canonical.map { (x: $0.x * side - 0.5, y: $0.y * side - 0.5) }
        let eyeDistance = ((marks[1].x - marks[0].x) * (marks[1].x - marks[0].x)
            + (marks[1].y - marks[0].y) * (marks[1].y - marks[0].y)).squareRoot()
        // Eyes closer than 2 px (or not finite) give no usable alignment: the chip would be a smear of one pixel.
        guard eyeDistance >= 2, marks.allSatisfy({ $0.x.isFinite && $0.y.isFinite }),
              let sourceFromChip = AffineTransform.similarity(mapping: targets, to: marks) else {
            throw RecognitionError(.invalidInput, detail: "face keypoints do not define an alignment")
        }
        do {
            return try image.warped(sourceFromChip, width: VGG16Weights.inputSize, height: VGG16Weights.inputSize,
                                    border: .replicate)
        } catch {
            throw RecognitionError(.invalidInput, detail: "VGG16 face chip: \(error)")
        }
    }

    public func embedding(of image: Image, face: DetectedFace) throws(RecognitionError) -> [Float] {
        let output: VGG16.Output
        do {
            output = try network.forward(preprocessing.input(from: try Self.chip(of: image, face: face)))
        } catch let error as RecognitionError {
            throw error
        } catch {
            throw RecognitionError(.invalidInput, detail: "VGG16 forward pass: \(error)")
        }
        switch feature {
        case .head: return output.head
        case .fc7: return l2Normalized(output.fc7)
        }
    }
}
