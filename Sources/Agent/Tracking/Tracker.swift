// Follows faces across the frames of one camera: greedy IoU association of each frame's detections to the
// tracks' predicted boxes (constant velocity), stable ids, a track ends after N missed frames.
// A pure value type: no clock, no I/O; tested on synthetic sequences.
import FaceDetection
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
    /// Matched detections so far.
    public internal(set) var hits: Int
    /// Consecutive frames without a match.
    public internal(set) var missed: Int
    /// Box motion per frame (smoothed), used to predict where the face is next.
    public internal(set) var velocity: Point

    /// Where the face is expected in the next frame.
    public var predictedBox: Rect {
        let steps = Float(missed + 1)
        var box = face.box
        box.x += velocity.x * steps
        box.y += velocity.y * steps
        return box
    }
}

/// What one `Tracker.update` did.
public struct TrackerUpdate: Sendable, Equatable {
    /// For each input detection (same order), the id of the track it now belongs to.
    public var trackIDs: [UInt64]
    /// Ids of the tracks that started in this frame.
    public var started: [UInt64]
    /// Tracks that ended in this frame (missed too many frames), in their final state.
    public var ended: [Track]
}

/// IoU tracker for one camera.
public struct Tracker: Sendable {
    /// Minimum IoU between a detection and a track's predicted box for them to be associated.
    public let iouThreshold: Float
    /// A track ends after this many consecutive frames without a match.
    public let maxMissedFrames: Int
    /// The tracks alive now.
    public private(set) var tracks: [Track] = []
    private var nextID: UInt64
    private var frame = -1

    /// Creates a tracker whose first track gets `firstID` (seed it differently per agent run so that ids stay
    /// unique across restarts).
    public init(iouThreshold: Float = 0.3, maxMissedFrames: Int = 10, firstID: UInt64 = 1) {
        self.iouThreshold = iouThreshold
        self.maxMissedFrames = max(1, maxMissedFrames)
        self.nextID = firstID
    }

    /// Associates one frame's detections with the live tracks and advances every track by one frame.
    public mutating func update(_ detections: [DetectedFace]) -> TrackerUpdate {
        frame += 1
        // Every (track, detection) pair that overlaps enough, best overlap first.
        var pairs: [(iou: Float, track: Int, detection: Int)] = []
        for (t, track) in tracks.enumerated() {
            let predicted = track.predictedBox
            for (d, detection) in detections.enumerated() {
                let iou = predicted.iou(detection.box)
                if iou >= iouThreshold { pairs.append((iou, t, d)) }
            }
        }
        pairs.sort { $0.iou != $1.iou ? $0.iou > $1.iou : ($0.track, $0.detection) < ($1.track, $1.detection) }

        var trackOfDetection = [Int?](repeating: nil, count: detections.count)
        var trackTaken = [Bool](repeating: false, count: tracks.count)
        for pair in pairs where !trackTaken[pair.track] && trackOfDetection[pair.detection] == nil {
            trackTaken[pair.track] = true
            trackOfDetection[pair.detection] = pair.track
        }

        var update = TrackerUpdate(trackIDs: [], started: [], ended: [])
        for (t, taken) in trackTaken.enumerated() where !taken { tracks[t].missed += 1 }
        for (d, detection) in detections.enumerated() {
            if let t = trackOfDetection[d] {
                tracks[t].advance(to: detection, frame: frame)
                update.trackIDs.append(tracks[t].id)
            } else {
                let track = Track(id: nextID, face: detection, firstFrame: frame, lastFrame: frame, hits: 1, missed: 0,
                                  velocity: Point(x: 0, y: 0))
                nextID &+= 1
                tracks.append(track)
                update.trackIDs.append(track.id)
                update.started.append(track.id)
            }
        }
        update.ended = tracks.filter { $0.missed > maxMissedFrames }
        tracks.removeAll { $0.missed > maxMissedFrames }
        return update
    }

    /// Ends every live track (e.g. when the camera stops) and returns them.
    public mutating func endAll() -> [Track] {
        defer { tracks.removeAll() }
        return tracks
    }
}

extension Track {
    mutating func advance(to detection: DetectedFace, frame: Int) {
        let frames = Float(max(1, frame - lastFrame))
        let moved = Point(x: (detection.box.center.x - face.box.center.x) / frames,
                          y: (detection.box.center.y - face.box.center.y) / frames)
        // Exponential smoothing: detector jitter should not swing the prediction.
        velocity = hits == 1 ? moved : Point(x: 0.5 * velocity.x + 0.5 * moved.x, y: 0.5 * velocity.y + 0.5 * moved.y)
        face = detection
        lastFrame = frame
        hits += 1
        missed = 0
    }
}
