// How far a head is turned, from dlib's five landmarks (the alignment's own, more precise than the detector's
// keypoints): in a frontal face the nose base sits halfway between the eyes; as the head turns it moves towards
// one eye, and past it in profile.
import Foundation
import RollcallCore

/// Head pose from dlib's 5-point landmarks (right eye outer, right eye inner, left eye outer, left eye inner,
/// nose base).
public enum LandmarkPose {
    /// The nose base's offset from the midpoint of the eye centres, measured along the eye line, in eye
    /// distances (signed: positive towards the left eye); nil for landmarks that are not five finite points
    /// or whose eyes coincide.
    public static func noseOffset(_ landmarks: [Point]) -> Double? {
        guard landmarks.count == 5, landmarks.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return nil }
        let p = landmarks.map { (x: Double($0.x), y: Double($0.y)) }
        let right = (x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2)
        let left = (x: (p[2].x + p[3].x) / 2, y: (p[2].y + p[3].y) / 2)
        let dx = left.x - right.x, dy = left.y - right.y
        let squared = dx * dx + dy * dy
        guard squared > 1e-6 else { return nil }
        let mid = (x: (left.x + right.x) / 2, y: (left.y + right.y) / 2)
        let along = (p[4].x - mid.x) * dx + (p[4].y - mid.y) * dy
        return along / squared
    }

    /// Frontalness in [0, 1] from the nose offset: 1 − 2·|offset| (1 frontal, 0 once the nose base is half an
    /// eye distance off centre — below the eye, as in a three-quarter view or a profile).
    public static func frontalness(_ landmarks: [Point]) -> Float? {
        noseOffset(landmarks).map { Float(max(0, 1 - 2 * abs($0))) }
    }
}
