import FaceDetection
import Imaging

/// The checks an enrollment photo must pass before its embedding may enter the gallery: exactly one face,
/// with the eyes at least `minimumEyeDistance` pixels apart (smaller faces give unreliable embeddings).
public struct EnrollmentPhotoCheck: Sendable, Equatable {
    /// Smallest accepted distance between the eye centres, in the photo's pixels.
    public var minimumEyeDistance: Float

    public init(minimumEyeDistance: Float = 40) {
        self.minimumEyeDistance = minimumEyeDistance
    }

    /// The one face of the photo, or the reason it is refused (`noFace`, `multipleFaces`, `faceTooSmall`).
    public func face(in faces: [DetectedFace]) throws(RecognitionError) -> DetectedFace {
        guard let face = faces.first else {
            throw RecognitionError(.noFace, detail: "no face found in the enrollment photo")
        }
        guard faces.count == 1 else {
            throw RecognitionError(.multipleFaces, detail: "\(faces.count) faces in the enrollment photo; it must show one")
        }
        guard face.keypoints.count >= 2 else {
            throw RecognitionError(.invalidInput, detail: "detection without eye keypoints")
        }
        let r = face[.rightEye], l = face[.leftEye]
        let eyes = ((r.x - l.x) * (r.x - l.x) + (r.y - l.y) * (r.y - l.y)).squareRoot()
        guard eyes >= minimumEyeDistance else {
            throw RecognitionError(.faceTooSmall, detail: "eyes \(Int(eyes)) px apart, at least \(Int(minimumEyeDistance)) needed")
        }
        return face
    }
}
