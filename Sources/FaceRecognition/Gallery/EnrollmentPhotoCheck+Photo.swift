// The enrollment check applied to a whole photo: every detected face aligned and measured as the cloud measures
// it (chip sharpness, landmark pose), then judged. What `eval video --enroll`, `eval quality --check` and the
// real-photo tests use; the cloud's recognizer runs the same steps inside its worker pool.
import FaceDetection
import Imaging

extension EnrollmentPhotoCheck {
    /// One face of a photo, measured: the check's candidate and the face's embedding.
    public struct MeasuredFace: Sendable {
        public var face: DetectedFace
        public var candidate: Candidate
        public var embedding: [Float]
    }

    /// Each of `faces` (detected in `image`) aligned, measured and embedded by `embedder`; a face that cannot be
    /// aligned is left out (it is not a usable face), as the cloud leaves it out.
    public static func measure(_ faces: [DetectedFace], in image: Image, embedder: DlibFaceEmbedder) -> [MeasuredFace] {
        faces.compactMap { face in
            guard let (quality, embedding) = try? embedder.measuredEmbedding(of: image, face: face) else { return nil }
            return MeasuredFace(face: face, candidate: Candidate(box: face.box, quality: quality), embedding: embedding)
        }
    }

    /// The photo's one acceptable face, or the refusal with its reason (`accept`).
    public func accept(_ faces: [MeasuredFace], checkSize: Bool = true) throws(RecognitionError) -> MeasuredFace {
        faces[try accept(faces.map(\.candidate), checkSize: checkSize)]
    }
}
