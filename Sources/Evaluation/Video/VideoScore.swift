// Scoring an `eval video` report against the truth of a synthetic clip (`SyntheticVideo.FrameTruth`): per
// person, how many tracks their presence was cut into, in how many frames their face was found and named, and
// every false name.
import Agent
import FaceRecognition
import Foundation
import Imaging

/// How a report compares with the clip's truth.
public struct VideoScore: Sendable, Codable, Equatable {
    /// One person's figures.
    public struct Person: Sendable, Codable, Equatable {
        public var person: String
        /// Whether the person was enrolled (their name is the right answer) or a stranger (unknown is right).
        public var enrolled: Bool
        /// Frames in which the face was visible (not occluded).
        public var visibleFrames: Int
        /// … in which a reported face overlapped it (IoU ≥ 0.3).
        public var detectedFrames: Int
        /// Distinct tracks over those frames.
        public var tracks: Int
        /// Scenes the person appeared in (the fewest tracks a perfect tracker would make, with cuts re-joined).
        public var scenes: Int
        /// Frames whose face carried the person's name: as the track finally decided, and as known at that frame.
        public var namedFrames: Int
        public var namedFramesAtFrame: Int
        /// Frames whose face carried someone else's name.
        public var falseNameFrames: Int
        public var falseNameFramesAtFrame: Int
    }

    /// Detection by true face width: visible faces and how many of them a reported face overlapped.
    public struct SizeBucket: Sendable, Codable, Equatable {
        /// Face widths in [from, to) pixels.
        public var from: Int
        public var to: Int
        public var visible: Int
        public var detected: Int
    }

    public var people: [Person]
    public var bySize: [SizeBucket]
    /// Reported faces that overlap no true face (detector false positives), and how many of them were named.
    public var extraFaces: Int
    public var namedExtraFaces: Int

    /// Totals over the enrolled people and over everyone.
    public var namedFrames: Int { people.filter(\.enrolled).reduce(0) { $0 + $1.namedFrames } }
    public var falseNameFrames: Int { people.reduce(0) { $0 + $1.falseNameFrames } + namedExtraFaces }

    /// Compares `report` with `truth`; `enrolled` are the names the gallery holds.
    public init(report: VideoReport, truth: [SyntheticVideo.FrameTruth], enrolled: Set<String>) {
        var people = [String: Person]()
        var tracks = [String: Set<UInt64>]()
        var scenes = [String: Set<Int>]()
        var extra = 0, namedExtra = 0
        let edges = [0, 32, 40, 48, 64, 96, 128, 100_000]
        var buckets = zip(edges, edges.dropFirst()).map { SizeBucket(from: $0, to: $1, visible: 0, detected: 0) }
        func bucket(_ width: Float) -> Int { buckets.firstIndex { Float($0.to) > width } ?? buckets.count - 1 }
        let byName = Dictionary(report.frames.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for frame in truth {
            let faces = byName[frame.name]?.faces ?? []
            var used = Set<Int>()
            for t in frame.faces {
                var p = people[t.person] ?? Person(person: t.person, enrolled: enrolled.contains(t.person), visibleFrames: 0,
                                                    detectedFrames: 0, tracks: 0, scenes: 0, namedFrames: 0,
                                                    namedFramesAtFrame: 0, falseNameFrames: 0, falseNameFramesAtFrame: 0)
                defer { people[t.person] = p }
                guard !t.occluded else { continue }
                p.visibleFrames += 1
                buckets[bucket(t.box.width)].visible += 1
                scenes[t.person, default: []].insert(frame.scene)
                let candidates = faces.indices.filter { !used.contains($0) }
                guard let best = candidates.max(by: { Self.iou(faces[$0], t.box) < Self.iou(faces[$1], t.box) }),
                      Self.iou(faces[best], t.box) >= 0.3 else { continue }
                used.insert(best)
                let face = faces[best]
                p.detectedFrames += 1
                buckets[bucket(t.box.width)].detected += 1
                tracks[t.person, default: []].insert(face.track)
                if face.name == t.person { p.namedFrames += 1 } else if face.name != nil { p.falseNameFrames += 1 }
                if face.nameAtFrame == t.person { p.namedFramesAtFrame += 1 } else if face.nameAtFrame != nil {
                    p.falseNameFramesAtFrame += 1
                }
            }
            for (i, face) in faces.enumerated() where !used.contains(i) {
                // A face overlapping an occluded truth face is not a false positive of the detector.
                if frame.faces.contains(where: { Self.iou(face, $0.box) >= 0.3 }) { continue }
                extra += 1
                if face.name != nil { namedExtra += 1 }
            }
        }
        for name in people.keys {
            people[name]?.tracks = tracks[name]?.count ?? 0
            people[name]?.scenes = scenes[name]?.count ?? 0
        }
        self.people = people.values.sorted { $0.person < $1.person }
        bySize = buckets
        extraFaces = extra
        namedExtraFaces = namedExtra
    }

    static func iou(_ face: VideoReport.Face, _ box: Rect) -> Float {
        guard face.box.count == 4 else { return 0 }
        return Rect(x: face.box[0], y: face.box[1], width: face.box[2], height: face.box[3]).iou(box)
    }
}
