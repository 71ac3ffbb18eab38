// Follows faces across the frames of one camera. Each track carries a constant-velocity Kalman filter
// (`MotionFilter`) advanced by the time between frames; detections are associated greedily, most likely pair
// first, when they fall inside the track's predicted uncertainty (or overlap its predicted box). A track that
// misses frames keeps predicting, so a face that reappears after a short occlusion continues its track; after
// `maxGapSeconds` without its face the track ends. When the caller can embed faces (edge-match and privacy
// modes), a face that motion cannot place — after a camera cut, or an occlusion during which it moved — is
// compared with the embeddings of the tracks missing at that moment and continues the one it belongs to. Across a
// cut motion is not used at all: a stranger standing where a worker stood would otherwise continue the worker's
// track and carry the worker's name.
// A pure value type: the caller supplies times and embeddings; tested on synthetic sequences.
import FaceDetection
import Imaging

/// What one `Tracker.update` did.
public struct TrackerUpdate: Sendable, Equatable {
    /// For each input detection (same order), the id of the track it now belongs to.
    public var trackIDs: [UInt64]
    /// Ids of the tracks that started in this frame.
    public var started: [UInt64]
    /// Ids of missing tracks that detections of this frame continued by their embedding.
    public var reassociated: [UInt64]
    /// Tracks that ended in this frame (their face was gone too long), in their final state.
    public var ended: [Track]
}

/// Multi-face tracker for one camera.
public struct Tracker: Sendable {
    /// How faces are associated and when tracks end.
    public struct Configuration: Sendable, Equatable {
        /// A detection overlapping a track's predicted box by at least this IoU may always continue it.
        public var iouThreshold: Float
        /// A track ends once its face has been missing for longer than this many seconds.
        public var maxGapSeconds: Double
        /// … or for more than this many consecutive frames (nil: time alone decides).
        public var maxMissedFrames: Int?
        /// Largest χ² (3 degrees of freedom) of a detection against a track's prediction that may continue it.
        public var gate: Float
        /// A face motion cannot place continues a missing track when their embeddings are closer than this.
        public var embeddingDistance: Float
        /// Where several faces are plausible for one track (or one face for several tracks), a face whose
        /// embedding is farther than this from the track's is another person's and does not continue it (dlib
        /// embeddings of one person rarely lie 0.6 apart, of two people rarely nearer).
        public var mismatchDistance: Float
        /// Noise model of the motion filter.
        public var noise: MotionFilter.Noise

        public init(iouThreshold: Float = 0.3, maxGapSeconds: Double = 1.0, maxMissedFrames: Int? = nil,
                    gate: Float = 16, embeddingDistance: Float = 0.4, mismatchDistance: Float = 0.6,
                    noise: MotionFilter.Noise = MotionFilter.Noise()) {
            self.iouThreshold = iouThreshold
            self.maxGapSeconds = maxGapSeconds
            self.maxMissedFrames = maxMissedFrames
            self.gate = gate
            self.embeddingDistance = embeddingDistance
            self.mismatchDistance = mismatchDistance
            self.noise = noise
        }
    }

    public let configuration: Configuration
    /// The tracks alive now (including those whose face is missing but not for too long).
    public private(set) var tracks: [Track] = []
    private var nextID: UInt64
    private var frame = -1
    private var time: Double?

    /// Minimum IoU between a detection and a track's predicted box that always associates them.
    public var iouThreshold: Float { configuration.iouThreshold }

    /// Creates a tracker whose first track gets `firstID` (seed it differently per agent run so that ids stay
    /// unique across restarts).
    public init(configuration: Configuration = Configuration(), firstID: UInt64 = 1) {
        var c = configuration
        c.maxMissedFrames = c.maxMissedFrames.map { max(1, $0) }
        self.configuration = c
        self.nextID = firstID
    }

    /// A tracker fed frame by frame without times (`update(_:)`): a track ends after `maxMissedFrames` frames
    /// without its face.
    public init(iouThreshold: Float = 0.3, maxMissedFrames: Int = 10, firstID: UInt64 = 1) {
        self.init(configuration: Configuration(iouThreshold: iouThreshold, maxGapSeconds: .infinity,
                                               maxMissedFrames: maxMissedFrames), firstID: firstID)
    }

    /// Time between frames assumed by `update(_:)`, which is fed without times (a 10 fps camera).
    public static let nominalFrameInterval = 0.1

    /// Associates one frame's detections with the tracks, `nominalFrameInterval` after the previous frame.
    public mutating func update(_ detections: [DetectedFace]) -> TrackerUpdate {
        update(detections, at: time.map { $0 + Self.nominalFrameInterval } ?? 0)
    }

    /// Associates the detections of the frame taken at `time` (seconds, monotonic) with the tracks and ends the
    /// tracks whose face has been missing too long. `embed(i)` returns the embedding of detection `i` when the
    /// caller can compute one (nil otherwise); it is called only for a detection that motion cannot place while
    /// a missing track has an embedding to compare with, or where faces meet and motion alone may swap them;
    /// each detection is embedded at most once. `cut` says the frame starts a new shot
    /// (`SceneCutDetector`): positions before and after a cut say nothing about who is who, so from then on a
    /// track seen before the cut is continued by embedding only (in this frame or a later one), and a face its
    /// embedding does not place starts a new track.
    public mutating func update(_ detections: [DetectedFace], at time: Double, cut: Bool = false,
                                embed: (Int) -> [Float]? = { _ in nil }) -> TrackerUpdate {
        frame += 1
        let dt = self.time.map { max(0, time - $0) } ?? 0
        self.time = max(self.time ?? time, time)
        var update = TrackerUpdate(trackIDs: [], started: [], reassociated: [], ended: [])
        // Tracks whose face has been gone too long end before this frame can continue them.
        let expired = { (track: Track) -> Bool in time - track.lastTime > self.configuration.maxGapSeconds }
        update.ended = tracks.filter(expired)
        tracks.removeAll(where: expired)
        for t in tracks.indices {
            tracks[t].motion.predict(dt: dt)
            if cut { tracks[t].beforeCut = true }
        }

        // Every plausible (track, detection) pair, most likely first.
        var pairs: [(cost: Float, track: Int, detection: Int)] = []
        for (t, track) in tracks.enumerated() where !track.beforeCut {
            let predicted = track.predictedBox
            for (d, detection) in detections.enumerated() {
                let chi2 = track.motion.mahalanobisSquare(detection.box)
                let iou = predicted.iou(detection.box)
                guard chi2 <= configuration.gate || iou >= configuration.iouThreshold else { continue }
                pairs.append((min(chi2, configuration.gate * (1 - iou)), t, d))
            }
        }
        // Where faces meet (a detection plausible for several tracks, or a track for several detections), motion
        // alone may swap them: a pair whose face's embedding is clearly another person's than the track's is
        // dropped. Faces are embedded only there, once each.
        var embedded = [Int: [Float]?]()
        func faceEmbedding(_ d: Int) -> [Float]? {
            if let known = embedded[d] { return known }
            let e = embed(d)
            embedded[d] = e
            return e
        }
        var perTrack = [Int: Int](), perDetection = [Int: Int]()
        for pair in pairs {
            perTrack[pair.track, default: 0] += 1
            perDetection[pair.detection, default: 0] += 1
        }
        pairs.removeAll { pair in
            guard perTrack[pair.track, default: 0] > 1 || perDetection[pair.detection, default: 0] > 1,
                  let own = tracks[pair.track].embedding, let e = faceEmbedding(pair.detection), e.count == own.count
            else { return false }
            return Self.distance(own, e) > configuration.mismatchDistance
        }
        pairs.sort { $0.cost != $1.cost ? $0.cost < $1.cost : ($0.track, $0.detection) < ($1.track, $1.detection) }
        var trackOfDetection = [Int?](repeating: nil, count: detections.count)
        var trackTaken = [Bool](repeating: false, count: tracks.count)
        for pair in pairs where !trackTaken[pair.track] && trackOfDetection[pair.detection] == nil {
            trackTaken[pair.track] = true
            trackOfDetection[pair.detection] = pair.track
        }

        // Faces motion could not place: the nearest missing track by embedding, if near enough.
        for d in detections.indices where trackOfDetection[d] == nil {
            let open = tracks.indices.filter { !trackTaken[$0] && tracks[$0].embedding != nil }
            guard !open.isEmpty, let embedding = faceEmbedding(d) else { continue }
            var best: (track: Int, distance: Float)?
            for t in open {
                guard let e = tracks[t].embedding, e.count == embedding.count else { continue }
                let distance = Self.distance(e, embedding)
                if distance < configuration.embeddingDistance, distance < best?.distance ?? .infinity {
                    best = (t, distance)
                }
            }
            if let best {
                trackTaken[best.track] = true
                trackOfDetection[d] = best.track
                tracks[best.track].reassociations += 1
                tracks[best.track].beforeCut = false
                // The face jumped: motion starts over from where it is now.
                tracks[best.track].motion = MotionFilter(box: detections[d].box, noise: configuration.noise)
                tracks[best.track].embedding = embedding
                update.reassociated.append(tracks[best.track].id)
            }
        }

        for (t, taken) in trackTaken.enumerated() where !taken { tracks[t].missed += 1 }
        for (d, detection) in detections.enumerated() {
            if let t = trackOfDetection[d] {
                tracks[t].advance(to: detection, frame: frame, time: time)
                update.trackIDs.append(tracks[t].id)
            } else {
                let track = Track(id: nextID, face: detection, firstFrame: frame, lastFrame: frame, firstTime: time,
                                  lastTime: time, hits: 1, missed: 0, reassociations: 0,
                                  motion: MotionFilter(box: detection.box, noise: configuration.noise), embedding: nil)
                nextID &+= 1
                tracks.append(track)
                update.trackIDs.append(track.id)
                update.started.append(track.id)
            }
        }
        if let limit = configuration.maxMissedFrames {
            update.ended += tracks.filter { $0.missed > limit }
            tracks.removeAll { $0.missed > limit }
        }
        return update
    }

    /// Attaches the embedding of a crop of track `id` (the latest one wins); false when the track is gone.
    @discardableResult
    public mutating func setEmbedding(_ embedding: [Float], for id: UInt64) -> Bool {
        guard let t = tracks.firstIndex(where: { $0.id == id }) else { return false }
        tracks[t].embedding = embedding
        return true
    }

    /// Ends every live track (e.g. when the camera stops) and returns them.
    public mutating func endAll() -> [Track] {
        defer { tracks.removeAll() }
        return tracks
    }

    static func distance(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for i in a.indices {
            let d = a[i] - b[i]
            sum += d * d
        }
        return sum.squareRoot()
    }
}

extension Track {
    mutating func advance(to detection: DetectedFace, frame: Int, time: Double) {
        motion.correct(detection.box)
        face = detection
        lastFrame = frame
        lastTime = time
        hits += 1
        missed = 0
    }
}
