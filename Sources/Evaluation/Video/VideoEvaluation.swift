// `rollcall eval video`: a folder of frames through the agent's own per-camera pipeline (`FrameProcessor`:
// detection, tracking, crop selection, embedding, the gallery's match decision), reporting every frame's faces
// with the track they belong to and the name their track carries, and every track's decision.
import Agent
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import RollcallCore

/// What `eval video` reports.
public struct VideoReport: Sendable, Codable, Equatable {
    /// One face of one frame.
    public struct Face: Sendable, Codable, Equatable {
        public var track: UInt64
        /// x, y, width, height in frame pixels.
        public var box: [Float]
        public var score: Float
        /// The name the face's track carried when this frame was processed (what a live agent would report).
        public var nameAtFrame: String?
        public var distanceAtFrame: Float?
        /// The track's final name (every frame of the track inherits the track's identity).
        public var name: String?
        public var distance: Float?
    }

    /// One frame.
    public struct Frame: Sendable, Codable, Equatable {
        public var name: String
        public var index: Int
        public var time: Double
        public var faces: [Face]
    }

    /// One track's decision.
    public struct Track: Sendable, Codable, Equatable {
        public var id: UInt64
        public var firstFrame: Int
        public var lastFrame: Int
        /// Frames in which the track's face was detected.
        public var frames: Int
        /// Crops the track published (each embedded and decided).
        public var decisions: Int
        /// The latest decision: the worker, or nil for unknown.
        public var name: String?
        /// Distance to the nearest worker at the latest decision; nil when never decided.
        public var distance: Float?
        /// Set when the track never passed the crop gate and ended as an image-free sighting: why
        /// (`too_small`, `low_quality`).
        public var sighting: String?
    }

    public var frames: [Frame]
    public var tracks: [Track]
}

/// Runs frames through a `FrameProcessor` in edge-match (or privacy) mode and collects a `VideoReport`.
public struct VideoEvaluation {
    var processor: FrameProcessor
    let framesPerSecond: Double
    let names: [WorkerID: String]
    let start: Date

    /// `processor` must embed and match locally (edge-match or privacy mode) for names to appear; `names` gives
    /// each enrolled worker's name (a worker without one is reported by its id).
    public init(processor: FrameProcessor, framesPerSecond: Double, names: [WorkerID: String],
                start: Date = Date(timeIntervalSince1970: 0)) {
        self.processor = processor
        self.framesPerSecond = framesPerSecond
        self.names = names
        self.start = start
    }

    struct Decision {
        var name: String?
        var distance: Float?
        var count: Int
    }

    /// Processes the frames named `frameNames` in order (frame `i`, read by `load(i)`, at `i / framesPerSecond`
    /// seconds) and reports. Frames are read one at a time.
    public mutating func run(frameNames: [String], load: (Int) throws -> Image) rethrows -> VideoReport {
        var decisions = [UInt64: Decision]()
        var sightings = [UInt64: String]()
        var reported = [VideoReport.Frame]()
        var seen = [UInt64: (first: Int, last: Int, frames: Int)]()
        func name(_ id: WorkerID?) -> String? { id.map { names[$0] ?? String($0) } }
        func absorb(_ events: [PipelineEvent]) {
            for event in events {
                switch event {
                case .face(let face):
                    guard let decision = face.trackDecision else { break }
                    var d = decisions[face.trackID] ?? Decision(count: 0)
                    d.name = name(decision.workerID)
                    d.distance = decision.distance
                    d.count += 1
                    decisions[face.trackID] = d
                case .sighting(let sighting):
                    sightings[sighting.trackID] = sighting.reason.rawValue
                }
            }
        }
        for (index, frameName) in frameNames.enumerated() {
            let seconds = Double(index) / framesPerSecond
            absorb(processor.process(CapturedFrame(image: try load(index), time: start.addingTimeInterval(seconds),
                                                   monotonicSeconds: seconds)))
            let faces = processor.lastFrameFaces.map { tracked -> VideoReport.Face in
                let b = tracked.face.box
                var s = seen[tracked.trackID] ?? (index, index, 0)
                s.last = index
                s.frames += 1
                seen[tracked.trackID] = s
                return VideoReport.Face(track: tracked.trackID, box: [b.x, b.y, b.width, b.height], score: tracked.face.score,
                                        nameAtFrame: name(tracked.decision?.workerID), distanceAtFrame: tracked.decision?.distance)
            }
            reported.append(VideoReport.Frame(name: frameName, index: index, time: seconds, faces: faces))
        }
        absorb(processor.finish())
        // Every frame inherits its track's final identity.
        for f in reported.indices {
            for k in reported[f].faces.indices {
                let d = decisions[reported[f].faces[k].track]
                reported[f].faces[k].name = d?.name
                reported[f].faces[k].distance = d?.distance
            }
        }
        let tracks = seen.keys.sorted().map { id -> VideoReport.Track in
            let s = seen[id] ?? (0, 0, 0), d = decisions[id]
            return VideoReport.Track(id: id, firstFrame: s.first, lastFrame: s.last, frames: s.frames,
                                     decisions: d?.count ?? 0, name: d?.name, distance: d?.distance,
                                     sighting: sightings[id])
        }
        return VideoReport(frames: reported, tracks: tracks)
    }
}
