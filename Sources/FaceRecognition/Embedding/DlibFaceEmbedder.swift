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
    /// Average the embeddings of the chip and its mirror image (test-time augmentation; two forward passes).
    /// On by default: LFW View-2 98.92% with it, 98.55% without (docs/performance.md, "Identity").
    public let mirrorAverage: Bool
    let workspace: DlibResNet.Workspace

    public init(models: DlibModels, mirrorAverage: Bool = true) {
        self.models = models
        self.mirrorAverage = mirrorAverage
        self.workspace = models.network.makeWorkspace()
    }

    public var modelID: String { Backbone.dlib.modelID }
    public var dimension: Int { models.network.dimension }

    public func embedding(of image: Image, face: DetectedFace) throws(RecognitionError) -> [Float] {
        try embedding(of: image, landmarks: models.aligner.landmarks(in: image, box: face.box))
    }

    /// The embedding for dlib landmarks already found in `image`.
    public func embedding(of image: Image, landmarks: [Point2D]) throws(RecognitionError) -> [Float] {
        try embedding(ofChip: models.aligner.chip(from: image, landmarks: landmarks))
    }

    /// The embedding of an already aligned chip.
    public func embedding(ofChip chip: Image) throws(RecognitionError) -> [Float] {
        let e = try models.network.embedding(of: chip, workspace: workspace)
        guard mirrorAverage else { return e }
        let m = try models.network.embedding(of: try Self.mirrored(chip), workspace: workspace)
        return zip(e, m).map { ($0 + $1) / 2 }
    }

    /// `chip` flipped left to right.
    static func mirrored(_ chip: Image) throws(RecognitionError) -> Image {
        let c = chip.channels, w = chip.width
        var out = chip.pixels
        chip.pixels.withUnsafeBufferPointer { px in
            for y in 0 ..< chip.height {
                for x in 0 ..< w {
                    for k in 0 ..< c { out[(y * w + x) * c + k] = px[(y * w + (w - 1 - x)) * c + k] }
                }
            }
        }
        return try makeImage(width: w, height: chip.height, format: chip.format, pixels: out)
    }
}
