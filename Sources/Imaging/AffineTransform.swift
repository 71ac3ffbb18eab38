// A 2-D affine map (2×3 matrix) and the constructors face alignment needs.

/// The affine map (x, y) ↦ (a·x + b·y + c, d·x + e·y + f), in Double precision.
///
/// Same layout as an OpenCV 2×3 matrix `[[a, b, c], [d, e, f]]` and dlib's `point_transform_affine(m, b)`.
public struct AffineTransform: Sendable, Equatable {
    public var a: Double, b: Double, c: Double
    public var d: Double, e: Double, f: Double

    /// Creates the map from its six coefficients (row-major 2×3).
    public init(a: Double, b: Double, c: Double, d: Double, e: Double, f: Double) {
        (self.a, self.b, self.c, self.d, self.e, self.f) = (a, b, c, d, e, f)
    }

    /// The identity map.
    public static let identity = AffineTransform(a: 1, b: 0, c: 0, d: 0, e: 1, f: 0)

    /// Uniform or axis scaling followed by a translation: (x, y) ↦ (sx·x + tx, sy·y + ty).
    public static func scaling(_ sx: Double, _ sy: Double, translation tx: Double = 0, _ ty: Double = 0) -> AffineTransform {
        AffineTransform(a: sx, b: 0, c: tx, d: 0, e: sy, f: ty)
    }

    /// Where the map sends (`x`, `y`).
    public func apply(x: Double, y: Double) -> (x: Double, y: Double) {
        (a * x + b * y + c, d * x + e * y + f)
    }

    /// Where the map sends `point`.
    public func apply(_ point: Point) -> Point {
        let (x, y) = apply(x: Double(point.x), y: Double(point.y))
        return Point(x: Float(x), y: Float(y))
    }

    /// `self` after `first`: (self ∘ first)(p) = self(first(p)).
    public func concatenating(after first: AffineTransform) -> AffineTransform {
        AffineTransform(a: a * first.a + b * first.d, b: a * first.b + b * first.e, c: a * first.c + b * first.f + c,
                        d: d * first.a + e * first.d, e: d * first.b + e * first.e, f: d * first.c + e * first.f + f)
    }

    /// The inverse map, or nil when the matrix is singular.
    public func inverted() -> AffineTransform? {
        let det = a * e - b * d
        guard det.isFinite, abs(det) > 1e-12 else { return nil }
        let ia = e / det, ib = -b / det, id = -d / det, ie = a / det
        return AffineTransform(a: ia, b: ib, c: -(ia * c + ib * f), d: id, e: ie, f: -(id * c + ie * f))
    }

    /// The exact affine map sending three points to three others (dlib `find_affine_transform` with three
    /// pairs; OpenCV `getAffineTransform`). Nil when the source points are collinear.
    public init?(mapping from: [(x: Double, y: Double)], to: [(x: Double, y: Double)]) {
        guard from.count == 3, to.count == 3 else { return nil }
        // Solve [x y 1] · [a d; b e; c f] = [x' y'] for the three rows by Cramer's rule.
        let (x0, y0) = from[0], (x1, y1) = from[1], (x2, y2) = from[2]
        let det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1)
        guard det.isFinite, abs(det) > 1e-12 else { return nil }
        func solve(_ v0: Double, _ v1: Double, _ v2: Double) -> (Double, Double, Double) {
            let p = (v0 * (y1 - y2) - y0 * (v1 - v2) + (v1 * y2 - v2 * y1)) / det
            let q = (x0 * (v1 - v2) - v0 * (x1 - x2) + (x1 * v2 - x2 * v1)) / det
            let r = (x0 * (y1 * v2 - y2 * v1) - y0 * (x1 * v2 - x2 * v1) + v0 * (x1 * y2 - x2 * y1)) / det
            return (p, q, r)
        }
        let (a, b, c) = solve(to[0].x, to[1].x, to[2].x)
        let (d, e, f) = solve(to[0].y, to[1].y, to[2].y)
        self.init(a: a, b: b, c: c, d: d, e: e, f: f)
    }

    /// The least-squares similarity (rotation, uniform scale, translation; no reflection) sending `from` onto
    /// `to` — Umeyama's method, as dlib's `find_similarity_transform`, in the same arithmetic (means, then the
    /// normalised cross-covariance; for 2-D points the SVD's rotation is the normalised (c11 + c22, c21 − c12)),
    /// so dlib's alignment is reproduced to the last bit. Nil with fewer than two points, mismatched counts, or
    /// points that all coincide.
    public static func similarity(mapping from: [(x: Double, y: Double)], to: [(x: Double, y: Double)]) -> AffineTransform? {
        guard from.count == to.count, from.count >= 2 else { return nil }
        let n = Double(from.count)
        var mfx = 0.0, mfy = 0.0, mtx = 0.0, mty = 0.0
        for i in 0 ..< from.count {
            mfx += from[i].x; mfy += from[i].y
            mtx += to[i].x; mty += to[i].y
        }
        mfx /= n; mfy /= n; mtx /= n; mty /= n
        var sigma = 0.0, c11 = 0.0, c12 = 0.0, c21 = 0.0, c22 = 0.0
        for i in 0 ..< from.count {
            let fx = from[i].x - mfx, fy = from[i].y - mfy
            let tx = to[i].x - mtx, ty = to[i].y - mty
            sigma += fx * fx + fy * fy
            // cov = Σ (to − mean_to)(from − mean_from)ᵀ
            c11 += tx * fx; c12 += tx * fy
            c21 += ty * fx; c22 += ty * fy
        }
        sigma /= n
        c11 /= n; c12 /= n; c21 /= n; c22 /= n
        guard sigma.isFinite, sigma > 1e-12 else { return nil }
        let cosPart = c11 + c22, sinPart = c21 - c12
        let norm = (cosPart * cosPart + sinPart * sinPart).squareRoot()
        let (cs, sn) = norm > 0 ? (cosPart / norm, sinPart / norm) : (1.0, 0.0)
        let scale = norm / sigma
        let a = scale * cs, b = -scale * sn, d = scale * sn, e = scale * cs
        return AffineTransform(a: a, b: b, c: mtx - (a * mfx + b * mfy), d: d, e: e, f: mty - (d * mfx + e * mfy))
    }
}
