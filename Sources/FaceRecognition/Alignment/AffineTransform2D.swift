// AffineTransform2D: 2-D affine maps in double precision, with the least-squares fits dlib's alignment uses
// (dlib/geometry/point_transforms.h): an exact affine map from three point pairs and Umeyama's similarity
// (rotation, uniform scale, translation) from two or more.
import Foundation

/// A point in double precision.
public struct Point2D: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// `p ↦ M·p + t` with M = [[a, b], [c, d]].
public struct AffineTransform2D: Sendable, Equatable {
    public var a: Double, b: Double, c: Double, d: Double
    public var tx: Double, ty: Double

    public init(a: Double, b: Double, c: Double, d: Double, tx: Double, ty: Double) {
        self.a = a; self.b = b; self.c = c; self.d = d
        self.tx = tx; self.ty = ty
    }

    /// The identity.
    public static let identity = AffineTransform2D(a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0)

    /// Applies the map.
    @inline(__always) public func apply(_ p: Point2D) -> Point2D {
        Point2D(x: a * p.x + b * p.y + tx, y: c * p.x + d * p.y + ty)
    }

    /// The map sending `from[i]` to `to[i]` for three non-collinear point pairs; nil when they are collinear.
    public static func exact(from: [Point2D], to: [Point2D]) -> AffineTransform2D? {
        guard from.count == 3, to.count == 3 else { return nil }
        // Solve [x y 1] · [a c; b d; tx ty] = [x' y'] for the three rows.
        let (p0, p1, p2) = (from[0], from[1], from[2])
        let det = p0.x * (p1.y - p2.y) - p0.y * (p1.x - p2.x) + (p1.x * p2.y - p2.x * p1.y)
        guard abs(det) > 1e-12 else { return nil }
        func solve(_ v0: Double, _ v1: Double, _ v2: Double) -> (Double, Double, Double) {
            let u = (v0 * (p1.y - p2.y) - p0.y * (v1 - v2) + (v1 * p2.y - v2 * p1.y)) / det
            let w = (p0.x * (v1 - v2) - v0 * (p1.x - p2.x) + (p1.x * v2 - p2.x * v1)) / det
            let t = (p0.x * (p1.y * v2 - p2.y * v1) - p0.y * (p1.x * v2 - p2.x * v1) + v0 * (p1.x * p2.y - p2.x * p1.y)) / det
            return (u, w, t)
        }
        let (a, b, tx) = solve(to[0].x, to[1].x, to[2].x)
        let (c, d, ty) = solve(to[0].y, to[1].y, to[2].y)
        return AffineTransform2D(a: a, b: b, c: c, d: d, tx: tx, ty: ty)
    }

    /// The least-squares similarity (Umeyama 1991) sending `from` to `to`; needs at least two pairs.
    /// In 2-D the optimal rotation is closed-form: it is the rotation part of the cross-covariance.
    public static func similarity(from: [Point2D], to: [Point2D]) -> AffineTransform2D {
        let n = Double(min(from.count, to.count))
        guard n >= 1 else { return .identity }
        var mf = Point2D(x: 0, y: 0), mt = Point2D(x: 0, y: 0)
        for i in 0 ..< Int(n) {
            mf.x += from[i].x; mf.y += from[i].y
            mt.x += to[i].x; mt.y += to[i].y
        }
        mf.x /= n; mf.y /= n; mt.x /= n; mt.y /= n
        var sigma = 0.0, c11 = 0.0, c12 = 0.0, c21 = 0.0, c22 = 0.0
        for i in 0 ..< Int(n) {
            let fx = from[i].x - mf.x, fy = from[i].y - mf.y
            let tx = to[i].x - mt.x, ty = to[i].y - mt.y
            sigma += fx * fx + fy * fy
            // cov = Σ (to − mean_to)(from − mean_from)ᵀ
            c11 += tx * fx; c12 += tx * fy
            c21 += ty * fx; c22 += ty * fy
        }
        sigma /= n
        c11 /= n; c12 /= n; c21 /= n; c22 /= n
        let cosPart = c11 + c22, sinPart = c21 - c12
        let norm = (cosPart * cosPart + sinPart * sinPart).squareRoot()
        let (cs, sn) = norm > 0 ? (cosPart / norm, sinPart / norm) : (1.0, 0.0)
        let scale = sigma != 0 ? norm / sigma : 1
        let a = scale * cs, b = -scale * sn, c = scale * sn, d = scale * cs
        return AffineTransform2D(a: a, b: b, c: c, d: d, tx: mt.x - (a * mf.x + b * mf.y), ty: mt.y - (c * mf.x + d * mf.y))
    }
}
