// A test recognizer: the faces of each image are set by the test, keyed by the image's bytes.
import Cloud
import Emotion
import Crypto
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import Synchronization

/// Answers `analyze` from a table the test fills: image bytes → faces. Images not in the table have no face.
final class ScriptedRecognizer: FaceRecognizer {
    private let table = Mutex<[String: [AnalyzedFace]]>([:])
    let calls = Mutex(0)
    let modelID = "dlib-resnet-v1"
    let dimension = 128

    func script(_ bytes: [UInt8], faces: [AnalyzedFace]) {
        table.withLock { $0[Self.key(bytes)] = faces }
    }

    /// Scripts one clear, large face with the given embedding.
    func scriptFace(_ bytes: [UInt8], embedding: [Float], side: Float = 120, sharpness: Float = 150,
                    emotion: EmotionEstimate? = EmotionEstimate(label: .happy, probability: 0.9)) {
        script(bytes, faces: [Self.face(embedding: embedding, side: side, sharpness: sharpness, emotion: emotion)])
    }

    /// A frontal face of `side` pixels whose Laplacian variance is `sharpness` (on the box and on the aligned chip).
    static func face(embedding: [Float], side: Float = 100, sharpness: Float = 100,
                     emotion: EmotionEstimate? = nil) -> AnalyzedFace {
        var quality = FaceQuality(score: 0.95, shorterSide: side, frontalness: 1, laplacianVariance: sharpness)
        quality.chipLaplacianVariance = sharpness
        return AnalyzedFace(box: Rect(x: 10, y: 10, width: side, height: side), detectionScore: 0.95, embedding: embedding,
                            quality: quality, emotion: emotion)
    }

    func analyze(_ image: EncodedImage, emotion: Bool) async throws(CloudError) -> [AnalyzedFace] {
        calls.withLock { $0 += 1 }
        let faces = table.withLock { $0[Self.key(image.bytes)] } ?? []
        return emotion ? faces : faces.map { face in
            var face = face
            face.emotion = nil
            return face
        }
    }

    /// An agent's crop: the first scripted face of those bytes (the shipped geometry is not looked at); a crop
    /// with no scripted face cannot be aligned, as the real recognizer says of a box that holds no face.
    func analyzeCrop(_ image: EncodedImage, face: DetectedFace, emotion: Bool) async throws(CloudError) -> AnalyzedFace {
        guard let scripted = try await analyze(image, emotion: emotion).first else {
            throw CloudError(.badMessage, "the crop's face cannot be aligned (nothing scripted)", subject: "crop")
        }
        return scripted
    }

    /// The geometry tests ship with their crops.
    static let shippedFace = DetectedFace(score: 0.95, box: Rect(x: 10, y: 10, width: 100, height: 100), keypoints: [])

    private static func key(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Embeddings for tests: a unit vector along one axis plus a small offset, so distances are known.
enum Embeddings {
    static func axis(_ index: Int, offset: Float = 0, dimensions: Int = 128) -> [Float] {
        var vector = [Float](repeating: 0, count: dimensions)
        vector[index % dimensions] = 1
        vector[(index + 1) % dimensions] = offset
        return vector
    }
}

extension IncomingCrop {
    /// A crop as the tests send it, with `ScriptedRecognizer.shippedFace` as its geometry.
    init(messageID: UUID? = nil, siteID: String, agentID: String, camera: String, trackID: String, frameTime: Date,
         image: [UInt8], quality: Double, detectionScore: Double) {
        self.init(messageID: messageID, siteID: siteID, agentID: agentID, camera: camera, trackID: trackID,
                  frameTime: frameTime, image: image, face: ScriptedRecognizer.shippedFace, quality: quality,
                  detectionScore: detectionScore)
    }
}
