// How useful a face is for recognition: detection score, face size, frontalness (from BlazeFace's six
// keypoints) and sharpness (variance of the Laplacian on the face), combined into one number in [0, 1]. The
// one quality model: agents gate and rank crops by it, the cloud weighs a track's crops by it (the agent's
// figure, measured on the full-resolution frame) and grades enrollment photos with it.
import FaceDetection
import Foundation
import Imaging

/// A face's quality and the parts it is made of, each in [0, 1], with the raw focus measure.
public struct FaceQuality: Sendable, Equatable, Codable {
    /// The detector's confidence.
    public var score: Float
    /// Face size: 1 once the box's shorter side reaches `FaceQuality.fullSizePixels`.
    public var size: Float
    /// 1 for a face looking straight at the camera, falling towards 0 in profile or rolled.
    public var frontalness: Float
    /// 1 for a sharp face, falling towards 0 with motion blur or defocus.
    public var sharpness: Float
    /// The focus measure `sharpness` is made from: `Sharpness.laplacianVariance` over the face box (grey
    /// levels squared; 0 when not measured).
    public var laplacianVariance: Float
    /// The same measure on the aligned 150×150 chip (`ChipSharpness`), which does not depend on the photo's
    /// resolution; nil when no chip was made. Enrollment photos are refused below a configured value of it.
    public var chipLaplacianVariance: Float?
    /// Frontalness from the alignment's five landmarks (`LandmarkPose`), more precise than `frontalness`
    /// (the detector's keypoints); nil when the face was not aligned.
    public var landmarkFrontalness: Float?
    /// Distance between the detector's eye keypoints over the face box's width (`eyeSpacing(_:box:)`): about
    /// 0.41 for a frontal face, below 0.15 in profile, where the far eye is hidden behind the nose; nil when not
    /// measured.
    public var eyeSpacing: Float?

    /// Shorter side (pixels) at which a face counts as fully sized: the crop size recognition wants.
    public static let fullSizePixels: Float = 112
    /// Laplacian variance at which sharpness reads 0.5.
    public static let sharpnessHalfPoint: Float = 60

    /// The combined quality in [0, 1]. Frontalness and sharpness matter most for recognition.
    public var overall: Float {
        0.2 * score + 0.2 * size + 0.35 * frontalness + 0.25 * sharpness
    }

    public init(score: Float, size: Float, frontalness: Float, sharpness: Float, laplacianVariance: Float = 0) {
        self.score = score
        self.size = size
        self.frontalness = frontalness
        self.sharpness = sharpness
        self.laplacianVariance = laplacianVariance
    }

    /// Measures `face` in `image` (the frame or photo it was detected in).
    public init(face: DetectedFace, in image: Image) {
        self.init(score: face.score, shorterSide: min(face.box.width, face.box.height),
                  frontalness: Self.frontalness(face.keypoints),
                  laplacianVariance: Sharpness.laplacianVariance(of: image, in: face.box))
        eyeSpacing = Self.eyeSpacing(face.keypoints, box: face.box)
    }

    /// The quality of a face from its raw measures: detector score, the box's shorter side in pixels,
    /// frontalness (0…1) and the Laplacian variance over the box.
    public init(score: Float, shorterSide: Float, frontalness: Float, laplacianVariance: Float) {
        let laplacian = max(0, laplacianVariance.isFinite ? laplacianVariance : 0)
        self.init(score: min(1, max(0, score)), size: min(1, max(0, shorterSide / Self.fullSizePixels)),
                  frontalness: min(1, max(0, frontalness)),
                  sharpness: laplacian / (laplacian + Self.sharpnessHalfPoint), laplacianVariance: laplacian)
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

    /// The eye keypoints' distance (the first two keypoints) over `box`'s width; nil for missing or non-finite
    /// keypoints or an empty box. Unlike the nose's position between the eyes, it does not depend on where a
    /// landmark model places the hidden eye of a profile: the detector sees two eyes close together.
    public static func eyeSpacing(_ keypoints: [Point], box: Rect) -> Float? {
        guard keypoints.count >= 2, box.width > 0, box.width.isFinite,
              keypoints[0].x.isFinite, keypoints[0].y.isFinite, keypoints[1].x.isFinite, keypoints[1].y.isFinite
        else { return nil }
        let dx = keypoints[1].x - keypoints[0].x, dy = keypoints[1].y - keypoints[0].y
        return (dx * dx + dy * dy).squareRoot() / box.width
    }
}
