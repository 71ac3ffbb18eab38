import FaceDetection
import Foundation
import Imaging
import Neural

/// The dlib models, loaded once and shared by every thread's `DlibFaceEmbedder`.
public final class DlibModels: Sendable {
    public let network: DlibResNet
    public let aligner: DlibFaceAligner

    public init(network: DlibResNet, aligner: DlibFaceAligner) {
        self.network = network
        self.aligner = aligner
    }

    /// Loads both files (`dlib-resnet`, `dlib-shape-5` in the model store).
    public convenience init(network networkURL: URL, shapePredictor predictorURL: URL,
                            options: DlibFaceAligner.Options = .init()) throws(DlibError) {
        self.init(network: try DlibResNet(contentsOf: networkURL),
                  aligner: DlibFaceAligner(predictor: try ShapePredictor(contentsOf: predictorURL), options: options))
    }
}

/// dlib alignment (5-point landmarks, 150×150 chip) + dlib ResNet, for one thread.
public final class DlibFaceEmbedder: FaceEmbedder {
    public let models: DlibModels
    let workspace: DlibResNet.Workspace

    public init(models: DlibModels) {
        self.models = models
        self.workspace = models.network.makeWorkspace()
    }

    public var modelID: String { Backbone.dlib.modelID }
    public var dimension: Int { models.network.dimension }

    public func embedding(of image: Image, face: DetectedFace) throws(RecognitionError) -> [Float] {
        try embedding(of: image, landmarks: models.aligner.landmarks(in: image, box: face.box))
    }

    /// The embedding for dlib landmarks already found in `image`.
    public func embedding(of image: Image, landmarks: [Point2D]) throws(RecognitionError) -> [Float] {
        let chip = try models.aligner.chip(from: image, landmarks: landmarks)
        return try models.network.embedding(of: chip, workspace: workspace)
    }

    /// The embedding of an already aligned chip.
    public func embedding(ofChip chip: Image) throws(RecognitionError) -> [Float] {
        try models.network.embedding(of: chip, workspace: workspace)
    }
}
