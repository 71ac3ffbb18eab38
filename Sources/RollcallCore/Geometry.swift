// Pixel geometry shared by every module: detections, crops, alignment and the wire format.

/// A point in image pixel coordinates (x right, y down; (0, 0) is the top-left corner of the top-left pixel).
public struct Point: Sendable, Equatable, Codable {
    public var x: Float
    public var y: Float

    public init(x: Float, y: Float) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned rectangle in pixel coordinates: top-left corner and size.
public struct Rect: Sendable, Equatable, Codable {
    public var x: Float
    public var y: Float
    public var width: Float
    public var height: Float

    public init(x: Float, y: Float, width: Float, height: Float) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Area (0 for an empty rectangle).
    public var area: Float { max(0, width) * max(0, height) }
    /// The centre point.
    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }

    /// The area `self` and `other` have in common (0 when they do not overlap).
    public func intersectionArea(with other: Rect) -> Float {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(x + width, other.x + other.width), bottom = min(y + height, other.y + other.height)
        return max(0, right - left) * max(0, bottom - top)
    }

    /// Intersection over union with `other` (0 when either is empty).
    public func iou(_ other: Rect) -> Float {
        let intersection = intersectionArea(with: other)
        let union = area + other.area - intersection
        return union > 0 ? intersection / union : 0
    }
}
