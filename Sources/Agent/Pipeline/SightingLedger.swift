// Faces that were followed but never sent: the pipeline notes every detection of every track and whether the
// track ever passed the crop gate; a track that ends without having done so becomes one image-free
// "face seen" event, so that the cloud learns someone was in front of the camera even when no face was
// usable (too small, too poor).
import FaceDetection
import Foundation

/// A followed face that never passed the crop gate (Wire's `FaceSighting`).
public struct SightingEvent: Sendable, Equatable {
    /// Why nothing was sent.
    public enum Reason: String, Sendable {
        /// The face never reached `detection.min_face_px`.
        case tooSmall = "too_small"
        /// Large enough, but never of `crops.min_quality`.
        case lowQuality = "low_quality"
    }

    public var messageID: UUID
    public var camera: String
    public var trackID: UInt64
    public var firstSeen: Date
    public var lastSeen: Date
    public var detections: Int
    /// The largest face box's shorter side over the track, in frame pixels.
    public var largestFacePixels: Float
    public var frameWidth: Int
    public var frameHeight: Int
    public var reason: Reason
}

/// Per-track bookkeeping of detections and publication, turning unpublished tracks into `SightingEvent`s.
struct SightingLedger: Sendable {
    struct Entry: Sendable {
        var firstSeen: Date
        var lastSeen: Date
        var detections: Int
        var largest: Float
        var frameWidth: Int
        var frameHeight: Int
        var published: Bool
    }

    /// A track must have been detected at least this often to count (a detector's one-frame false positive
    /// should not become a sighting).
    let minimumDetections: Int
    private(set) var entries: [UInt64: Entry] = [:]

    init(minimumDetections: Int = 3) {
        self.minimumDetections = max(1, minimumDetections)
    }

    /// Notes a detection of track `id`.
    mutating func saw(_ id: UInt64, face: DetectedFace, at time: Date, frameWidth: Int, frameHeight: Int) {
        let side = min(face.box.width, face.box.height)
        if var entry = entries[id] {
            entry.lastSeen = max(entry.lastSeen, time)
            entry.detections += 1
            entry.largest = max(entry.largest, side)
            entries[id] = entry
        } else {
            entries[id] = Entry(firstSeen: time, lastSeen: time, detections: 1, largest: side, frameWidth: frameWidth,
                                frameHeight: frameHeight, published: false)
        }
    }

    /// Notes that track `id` passed the crop gate (a crop or embedding was published).
    mutating func published(_ id: UInt64) {
        entries[id]?.published = true
    }

    /// Forgets track `id` (it ended); returns its sighting when it never passed the gate and was seen often
    /// enough. `minFacePixels` tells a face too small from one too poor.
    mutating func end(_ id: UInt64, camera: String, minFacePixels: Float) -> SightingEvent? {
        guard let entry = entries.removeValue(forKey: id), !entry.published, entry.detections >= minimumDetections
        else { return nil }
        return SightingEvent(messageID: UUID(), camera: camera, trackID: id, firstSeen: entry.firstSeen,
                             lastSeen: entry.lastSeen, detections: entry.detections, largestFacePixels: entry.largest,
                             frameWidth: entry.frameWidth, frameHeight: entry.frameHeight,
                             reason: entry.largest < minFacePixels ? .tooSmall : .lowQuality)
    }
}
