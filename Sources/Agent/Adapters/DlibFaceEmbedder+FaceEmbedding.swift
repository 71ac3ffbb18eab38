// FaceRecognition's dlib embedder (5-point alignment, 150×150 chip, ResNet, mirror-averaged) behind the
// pipeline's embedding seam: the same backbone and preprocessing the cloud uses, so edge and cloud distances agree.
import FaceDetection
import FaceRecognition
import Imaging

extension DlibFaceEmbedder: FaceEmbedding {
    public func embed(face: DetectedFace, in image: Image) throws -> [Float] {
        try embedding(of: image, face: face)
    }
}
