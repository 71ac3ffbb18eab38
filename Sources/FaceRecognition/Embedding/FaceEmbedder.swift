import FaceDetection
import Imaging

/// Turns a detected face into an identity embedding (alignment included). One instance per thread: an
/// embedder owns scratch memory; the models behind it are shared.
public protocol FaceEmbedder: AnyObject {
    /// The model identity (`Backbone.modelID`).
    var modelID: String { get }
    /// Embedding length.
    var dimension: Int { get }
    /// The embedding of `face` in `image`.
    func embedding(of image: Image, face: DetectedFace) throws(RecognitionError) -> [Float]
}
