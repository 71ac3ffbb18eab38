// How useful a face crop is for recognition: detection score, face size, frontalness (from BlazeFace's six
// keypoints) and sharpness (variance of the Laplacian on the face), combined into one number in [0, 1].
import FaceDetection
import Foundation
import Imaging

/// A crop's quality and the parts it is made of, each in [0, 1].
public struct FaceQuality: Sendable, Equatable, Codable {
    /// The detector's confidence.
    public var score: Float
    /// Face size: 1 once the box's shorter side reaches `FaceQuality.fullSizePixels`.
    public var size: Float
    /// 1 for a face looking straight at the camera, falling towards 0 in profile or rolled.
    public var frontalness: Float
    /// 1 for a sharp face, falling towards 0 with motion blur or defocus.
    public var sharpness: Float

    /// Shorter side (pixels) at which a face counts as fully sized: the crop size recognition wants.
    public static let fullSizePixels: Float = 112
    /// Laplacian variance at which sharpness reads 0.5.
    public static let sharpnessHalfPoint: Float = 60

    /// The combined quality in [0, 1]. Frontalness and sharpness matter most for recognition.
    public var overall: Float {
        0.2 * score + 0.2 * size + 0.35 * frontalness + 0.25 * sharpness
    }

    public init(score: Float, size: Float, frontalness: Float, sharpness: Float) {
        self.score = score
        self.size = size
        self.frontalness = frontalness
        self.sharpness = sharpness
    }

    /// Measures `face` in `image` (the frame it was detected in).
    public init(face: DetectedFace, in image: Image) {
        let laplacian = Sharpness.laplacianVariance(of: image, in: face.box)
        self.init(score: min(1, max(0, face.score)),
                  size: min(1, max(0, min(face.box.width, face.box.height) / Self.fullSizePixels)),
                  frontalness: Self.frontalness(face.keypoints),
                  sharpness: laplacian / (laplacian + Self.sharpnessHalfPoint))
    }

    /// Frontalness from the six MediaPipe keypoints (right eye, left eye, nose tip, mouth, right ear, left ear).
    ///
    /// Yaw shows as the nose moving off the middle between the ears (and between the eyes); roll as a tilted eye
    /// line. Returns 0 when the keypoints are missing or degenerate.
    public static func frontalness(_ keypoints: [Point]) -> Float {
        guard keypoints.count >= 6, keypoints.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return 0 }
        let rightEye = keypoints[0], leftEye = keypoints[1], nose = keypoints[2]
        let rightEar = keypoints[4], leftEar = keypoints[5]
        let eyeDX = leftEye.x - rightEye.x, eyeDY = leftEye.y - rightEye.y
        let eyeDistance = (eyeDX * eyeDX + eyeDY * eyeDY).squareRoot()
        guard eyeDistance > 1e-3 else { return 0 }
        // Yaw from the ears: the nose sits halfway between them (along the eye line) in a frontal face.
        func along(_ p: Point, from q: Point) -> Float { abs((p.x - q.x) * eyeDX + (p.y - q.y) * eyeDY) / eyeDistance }
        let toRight = along(nose, from: rightEar), toLeft = along(nose, from: leftEar)
        let earAsymmetry = toRight + toLeft > 1e-3 ? abs(toRight - toLeft) / (toRight + toLeft) : 1
        // Yaw from the eyes: the nose's offset from the eyes' midpoint along the eye line, in eye distances.
        let midX = (leftEye.x + rightEye.x) / 2, midY = (leftEye.y + rightEye.y) / 2
        let along = ((nose.x - midX) * eyeDX + (nose.y - midY) * eyeDY) / (eyeDistance * eyeDistance)
        let eyeAsymmetry = min(1, abs(along) * 2)
        let yaw = max(earAsymmetry, eyeAsymmetry)
        // Roll: angle of the eye line from horizontal, 0 at level, 1 at 90°.
        let roll = min(1, abs(atan2f(eyeDY, abs(eyeDX))) / (Float.pi / 2))
        return max(0, 1 - yaw) * max(0, 1 - roll)
    }
}
