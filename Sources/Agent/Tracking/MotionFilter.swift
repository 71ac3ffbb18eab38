// A constant-velocity Kalman filter for one face: centre x, centre y and box size, each with its velocity,
// driven by the time between frames (seconds), so that a dropped frame or a slower camera predicts the right
// distance. Noise is proportional to the face's size: a 40-px face jitters and moves in fewer pixels than a
// 300-px one.
import Imaging

/// The motion state of one track.
public struct MotionFilter: Sendable, Equatable {
    /// One coordinate's position and velocity with their 2×2 covariance (p00, p01, p11).
    struct Axis: Sendable, Equatable {
        var position: Float
        var velocity: Float
        var p00: Float
        var p01: Float
        var p11: Float

        /// Advances by `dt` seconds under white-noise acceleration of spectral density `q`.
        mutating func predict(dt: Float, q: Float) {
            position += velocity * dt
            let dt2 = dt * dt, dt3 = dt2 * dt
            p00 += 2 * dt * p01 + dt2 * p11 + q * dt3 / 3
            p01 += dt * p11 + q * dt2 / 2
            p11 += q * dt
        }

        /// Folds in a measurement with variance `r`.
        mutating func correct(_ z: Float, r: Float) {
            let s = p00 + r
            let k0 = p00 / s, k1 = p01 / s
            let innovation = z - position
            position += k0 * innovation
            velocity += k1 * innovation
            let n00 = (1 - k0) * p00, n01 = (1 - k0) * p01, n11 = p11 - k1 * p01
            p00 = n00
            p01 = n01
            p11 = n11
        }

        /// Squared innovation of `z` over its variance.
        func normalizedSquare(_ z: Float, r: Float) -> Float {
            let d = z - position
            return d * d / (p00 + r)
        }
    }

    /// Tuning, in face sizes: detector jitter, and how fast the motion may change.
    public struct Noise: Sendable, Equatable {
        /// Standard deviation of a detection's centre and size, as a fraction of the face size.
        public var measurement: Float
        /// Standard deviation of a new track's velocity, in face sizes per second.
        public var initialVelocity: Float
        /// Spectral density of the acceleration, in (face sizes / s²)² · s.
        public var acceleration: Float

        public init(measurement: Float = 0.06, initialVelocity: Float = 4, acceleration: Float = 4) {
            self.measurement = measurement
            self.initialVelocity = initialVelocity
            self.acceleration = acceleration
        }
    }

    var x: Axis
    var y: Axis
    var size: Axis
    let noise: Noise
    /// Aspect ratio (height / width) of the latest detection; sizes are the box's width.
    var aspect: Float

    /// A filter started from one detection box.
    public init(box: Rect, noise: Noise = Noise()) {
        let s = max(1, box.width)
        let r = (noise.measurement * s) * (noise.measurement * s)
        let v = (noise.initialVelocity * s) * (noise.initialVelocity * s)
        let c = box.center
        x = Axis(position: c.x, velocity: 0, p00: r, p01: 0, p11: v)
        y = Axis(position: c.y, velocity: 0, p00: r, p01: 0, p11: v)
        // Sizes change more slowly than positions.
        size = Axis(position: s, velocity: 0, p00: r, p01: 0, p11: v / 4)
        self.noise = noise
        aspect = box.width > 0 ? box.height / box.width : 1
    }

    /// The face size the noise is scaled to.
    var scale: Float { max(1, size.position) }

    /// Advances the state by `dt` seconds (no-op for dt ≤ 0).
    public mutating func predict(dt: Double) {
        guard dt > 0, dt.isFinite else { return }
        let q = noise.acceleration * scale * scale
        x.predict(dt: Float(dt), q: q)
        y.predict(dt: Float(dt), q: q)
        size.predict(dt: Float(dt), q: q / 4)
        if size.position < 1 { size.position = 1 }
    }

    /// Folds in a detection box.
    public mutating func correct(_ box: Rect) {
        let r = measurementVariance
        let c = box.center
        x.correct(c.x, r: r)
        y.correct(c.y, r: r)
        size.correct(box.width, r: r)
        if box.width > 0 { aspect = box.height / box.width }
    }

    var measurementVariance: Float { (noise.measurement * scale) * (noise.measurement * scale) }

    /// The box the filter expects now.
    public var box: Rect {
        let w = scale, h = scale * aspect
        return Rect(x: x.position - w / 2, y: y.position - h / 2, width: w, height: h)
    }

    /// Velocity of the centre in pixels per second.
    public var velocity: Point { Point(x: x.velocity, y: y.velocity) }

    /// How unlikely `box` is as this face's next detection: the squared innovations of centre and size over
    /// their predicted variances (χ² with 3 degrees of freedom for a true match).
    public func mahalanobisSquare(_ box: Rect) -> Float {
        let r = measurementVariance
        let c = box.center
        return x.normalizedSquare(c.x, r: r) + y.normalizedSquare(c.y, r: r) + size.normalizedSquare(box.width, r: r)
    }
}
