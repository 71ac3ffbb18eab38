import Imaging

/// One face found in an image: score, box and MediaPipe's six keypoints, all in the image's pixels.
public struct DetectedFace: Sendable, Equatable, Codable {
    /// Keypoint order, as MediaPipe's face detector gives them.
    public enum Keypoint: Int, Sendable, CaseIterable {
        case rightEye = 0, leftEye, noseTip, mouthCenter, rightEarTragion, leftEarTragion
    }

    /// Detection confidence in [0, 1].
    public var score: Float
    /// The face box.
    public var box: Rect
    /// Six keypoints in `Keypoint` order.
    public var keypoints: [Point]

    public init(score: Float, box: Rect, keypoints: [Point]) {
        self.score = score
        self.box = box
        self.keypoints = keypoints
    }

    /// The keypoint `k`.
    public subscript(_ k: Keypoint) -> Point { keypoints[k.rawValue] }
}
