import FaceDetection
import FaceRecognition
import Foundation
import Imaging

/// Image file → face → embedding, as the evaluation commands run it (one instance per thread).
public final class IdentityPipeline {
    /// Which face of several to embed.
    public enum FaceChoice: Sendable {
        /// Nearest the image centre (LFW: the labelled person is centred).
        case mostCentral
        /// The largest box (the identify protocol).
        case largest
    }

    /// What became of one image.
    public enum Outcome: Sendable {
        case embedded([Float])
        /// No face was found; `fallback` is the embedding of the central fallback region, when computed.
        case noFace(fallback: [Float]?)
        case unreadable(String)
    }

    public let detector: BlazeFaceDetector
    public let embedder: any FaceEmbedder
    /// Images larger than this many pixels are shrunk while decoding (as the reference scripts cap at 1024 px).
    public var maxPixels = 1024 * 1024

    public init(detector: BlazeFaceDetector, embedder: any FaceEmbedder) {
        self.detector = detector
        self.embedder = embedder
    }

    /// Reads `path` and embeds the chosen face. With `fallbackToCentre` and a dlib embedder, an image without
    /// a detected face is embedded from the central half of the image (dlib's reference does the same).
    public func run(path: String, choice: FaceChoice, fallbackToCentre: Bool = false) -> Outcome {
        let image: Image
        do {
            image = try Image.load(contentsOf: path, options: DecodeOptions(format: .rgb, maxPixels: maxPixels))
        } catch {
            return .unreadable("\(error)")
        }
        let faces = detector.detect(image)
        guard let face = Self.choose(faces, choice: choice, width: image.width, height: image.height) else {
            guard fallbackToCentre, let dlib = embedder as? DlibFaceEmbedder else { return .noFace(fallback: nil) }
            let w = image.width, h = image.height
            let box = DlibRectangle(left: w / 4, top: h / 4, right: 3 * w / 4, bottom: 3 * h / 4)
            let landmarks = dlib.models.aligner.landmarks(in: image, dlibBox: box)
            return .noFace(fallback: try? dlib.embedding(of: image, landmarks: landmarks))
        }
        do {
            return .embedded(try embedder.embedding(of: image, face: face))
        } catch {
            return .unreadable("\(error)")
        }
    }

    /// The chosen face, or nil when there is none.
    public static func choose(_ faces: [DetectedFace], choice: FaceChoice, width: Int, height: Int) -> DetectedFace? {
        switch choice {
        case .largest:
            return faces.max { $0.box.area < $1.box.area }
        case .mostCentral:
            let cx = Float(width) / 2, cy = Float(height) / 2
            func offset(_ f: DetectedFace) -> Float {
                let c = f.box.center
                return (c.x - cx) * (c.x - cx) + (c.y - cy) * (c.y - cy)
            }
            return faces.min { offset($0) < offset($1) }
        }
    }
}
