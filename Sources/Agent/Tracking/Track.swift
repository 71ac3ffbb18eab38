import FaceDetection
import FaceRecognition
import Imaging

/// One followed face.
public struct Track: Sendable, Equatable {
    /// Unique within this tracker (ids are never reused).
    public let id: UInt64
    /// The latest matched detection.
    public internal(set) var face: DetectedFace
    /// Frame index at which the track started.
    public let firstFrame: Int
    /// Frame index of the latest matched detection.
    public internal(set) var lastFrame: Int
    /// Time (seconds, the caller's monotonic clock) of the first and of the latest matched detection.
    public let firstTime: Double
    public internal(set) var lastTime: Double
    /// Matched detections so far.
    public internal(set) var hits: Int
    /// Consecutive frames without a match.
    public internal(set) var missed: Int
    /// Detections that continued this track although motion alone did not connect them (after a cut or an
    /// occlusion), by the embedding of the face.
    public internal(set) var reassociations: Int
    /// Where the face is and how it moves.
    public internal(set) var motion: MotionFilter
    /// The embedding the caller attached (the latest embedded crop), used to re-associate the face after a gap.
    public internal(set) var embedding: [Float]?
    /// The shot changed since the face was last seen (a camera cut): its position says nothing any more, so only
    /// its embedding may continue the track.
    public internal(set) var beforeCut = false

    /// Velocity of the face's centre in pixels per second (per frame for trackers fed without times).
    public var velocity: Point { motion.velocity }

    /// Where the face is expected at the current time.
    public var predictedBox: Rect { motion.box }
}

/// One detection of a frame with the track it belongs to and the identity its track carries.
public struct TrackedFace: Sendable, Equatable {
    public var trackID: UInt64
    public var face: DetectedFace
    /// The track's latest local decision (edge-match and privacy modes); nil before any or in cloud-match.
    public var decision: MatchDecision?

    public init(trackID: UInt64, face: DetectedFace, decision: MatchDecision? = nil) {
        self.trackID = trackID
        self.face = face
        self.decision = decision
    }
}
