import Dispatch
import FaceDetection
import Foundation
import Imaging
import Neural
import Synchronization

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
    /// Run the chip's and the mirror image's forward passes on two threads at once: about half the latency per
    /// face when two cores are free (one face at a time, as `rollcall bench embed` times it). Not for worker
    /// pools that already keep every core busy (evaluation, the cloud), where it only adds contention. Set
    /// OpenBLAS to 1 thread with it.
    public let concurrentMirror: Bool
    let workspace: DlibResNet.Workspace
    /// The mirror pass's buffers when it runs concurrently.
    let mirrorWorkspace: DlibResNet.Workspace?

    public init(models: DlibModels, mirrorAverage: Bool = true, concurrentMirror: Bool = false) {
        self.models = models
        self.mirrorAverage = mirrorAverage
        self.concurrentMirror = concurrentMirror && mirrorAverage
        self.workspace = models.network.makeWorkspace()
        self.mirrorWorkspace = self.concurrentMirror ? models.network.makeWorkspace() : nil
    }

    public var modelID: String { Backbone.dlib.modelID }
    public var dimension: Int { models.network.dimension }

    public func embedding(of image: Image, face: DetectedFace) throws(RecognitionError) -> [Float] {
        try embedding(of: image, landmarks: models.aligner.landmarks(in: image, box: face.box))
    }

    /// The aligned 150×150 chip of `face` in `image`: what `embedding(of:face:)` embeds.
    public func chip(of image: Image, face: DetectedFace) throws(RecognitionError) -> Image {
        try models.aligner.chip(from: image, landmarks: models.aligner.landmarks(in: image, box: face.box))
    }

    /// `face`'s quality — measured in `image`, with the sharpness of its aligned chip and the head pose from
    /// the alignment's landmarks — and its embedding (landmarks and chip are made once for all).
    public func measuredEmbedding(of image: Image, face: DetectedFace) throws(RecognitionError)
        -> (quality: FaceQuality, embedding: [Float]) {
        let landmarks = models.aligner.landmarks(in: image, box: face.box)
        let chip = try models.aligner.chip(from: image, landmarks: landmarks)
        var quality = FaceQuality(face: face, in: image)
        quality.chipLaplacianVariance = ChipSharpness.laplacianVariance(ofChip: chip)
        quality.landmarkFrontalness = LandmarkPose.frontalness(landmarks)
        return (quality, try embedding(ofChip: chip))
    }

    /// The embedding for dlib landmarks already found in `image`.
    public func embedding(of image: Image, landmarks: [Point]) throws(RecognitionError) -> [Float] {
        try embedding(ofChip: models.aligner.chip(from: image, landmarks: landmarks))
    }

    /// The embedding of an already aligned chip.
    public func embedding(ofChip chip: Image) throws(RecognitionError) -> [Float] {
        guard mirrorAverage else { return try models.network.embedding(of: chip, workspace: workspace) }
        let mirror = try Self.mirrored(chip)
        let e: [Float], m: [Float]
        if let mirrorWorkspace {
            (e, m) = try Self.concurrently(models.network, (chip, workspace), (mirror, mirrorWorkspace))
        } else {
            e = try models.network.embedding(of: chip, workspace: workspace)
            m = try models.network.embedding(of: mirror, workspace: workspace)
        }
        return zip(e, m).map { ($0 + $1) / 2 }
    }

    /// Two forward passes, each (chip, workspace) on its own thread; the results in the same order.
    static func concurrently(_ network: DlibResNet, _ first: (Image, DlibResNet.Workspace),
                             _ second: (Image, DlibResNet.Workspace)) throws(RecognitionError) -> ([Float], [Float]) {
        // Each pass owns its workspace for the duration; nothing else touches them meanwhile.
        struct Pass: @unchecked Sendable {
            let chip: Image
            let workspace: DlibResNet.Workspace
        }
        let work = [Pass(chip: first.0, workspace: first.1), Pass(chip: second.0, workspace: second.1)]
        let results = Mutex<[Result<[Float], RecognitionError>?]>([nil, nil])
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let outcome: Result<[Float], RecognitionError>
            do throws(RecognitionError) {
                outcome = .success(try network.embedding(of: work[i].chip, workspace: work[i].workspace))
            } catch {
                outcome = .failure(error)
            }
            results.withLock { $0[i] = outcome }
        }
        let done = results.withLock { $0 }
        guard let first = done[0], let second = done[1] else {
            throw RecognitionError(.invalidInput, detail: "a concurrent forward pass did not run")
        }
        return (try first.get(), try second.get())
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
