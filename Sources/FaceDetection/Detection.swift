/// A detection in normalised coordinates ([0, 1] of some frame of reference), before it is mapped to pixels.
/// Box as corners; keypoints as 6 (x, y) pairs in MediaPipe's order.
public struct NormalizedDetection: Sendable, Equatable {
    public var score: Float
    public var xMin: Float
    public var yMin: Float
    public var xMax: Float
    public var yMax: Float
    /// x0, y0, x1, y1, … for the six keypoints.
    public var keypoints: [Float]

    public init(score: Float, xMin: Float, yMin: Float, xMax: Float, yMax: Float, keypoints: [Float]) {
        self.score = score
        self.xMin = xMin
        self.yMin = yMin
        self.xMax = xMax
        self.yMax = yMax
        self.keypoints = keypoints
    }

    /// Intersection over union, as MediaPipe's `OverlapSimilarity` (0 when the boxes do not intersect).
    public func iou(_ other: NormalizedDetection) -> Float {
        let left = max(xMin, other.xMin), right = min(xMax, other.xMax)
        let top = max(yMin, other.yMin), bottom = min(yMax, other.yMax)
        guard left < right, top < bottom else { return 0 }
        let intersection = (right - left) * (bottom - top)
        let union = (xMax - xMin) * (yMax - yMin) + (other.xMax - other.xMin) * (other.yMax - other.yMin) - intersection
        return union > 0 ? intersection / union : 0
    }
}
