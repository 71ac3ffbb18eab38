// A synthetic camera clip made from labelled face photos, for measuring detection, tracking and identification
// on video without shipping any video: faces cut from photos move across generated backgrounds, shrink or grow
// (walking away from or towards the camera), are hidden for a moment (occlusions), and the scene jumps (camera
// cuts). Every frame's truth — who is where — comes with it. Made at test or evaluation time from the shared
// research datasets; neither the photos nor the frames belong in the repository.
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import RollcallCore

/// The plan and truth of a synthetic clip; `SyntheticVideo+Render` draws its frames.
public struct SyntheticVideo: Sendable {
    /// Clip geometry and how much happens in it.
    public struct Options: Sendable, Equatable {
        public var width = 640
        public var height = 360
        public var framesPerSecond = 10.0
        /// Scenes, each with its own people; within a scene the camera cuts `shotsPerScene - 1` times.
        public var scenes = 8
        public var shotsPerScene = 2
        public var framesPerShot = 30 ... 50
        public var peoplePerScene = 1 ... 3
        /// Face widths (pixels) at the start and end of a shot are drawn from these ranges; which end is which
        /// is random, so faces both approach and recede.
        public var largeFace: ClosedRange<Float> = 100 ... 170
        public var smallFace: ClosedRange<Float> = 28 ... 60
        /// Chance that a face is hidden by an occluder for a few frames of a shot.
        public var occlusionChance = 0.5
        public var occlusionFrames = 3 ... 6
        public var seed: UInt64 = 1

        public init() {}
    }

    /// A photo of a person with the face located in it.
    public struct Portrait: Sendable {
        public var person: String
        public var path: String
        public var image: Image
        /// The face box in the photo's pixels.
        public var face: Rect

        public init(person: String, path: String, image: Image, face: Rect) {
            self.person = person
            self.path = path
            self.image = image
            self.face = face
        }
    }

    /// One person in one shot.
    public struct Actor: Sendable, Codable, Equatable {
        public var person: String
        /// Index into the portraits.
        public var portrait: Int
        public var start: Point
        public var end: Point
        /// Face widths at the first and the last frame of the shot.
        public var startWidth: Float
        public var endWidth: Float
        /// Frames of the shot (0-based) in which an occluder hides the face.
        public var occluded: ClosedRange<Int>?
    }

    /// A stretch of frames between two cuts.
    public struct Shot: Sendable, Codable, Equatable {
        public var scene: Int
        public var frames: Int
        public var backgroundSeed: UInt64
        public var actors: [Actor]
    }

    /// Where one person's face is in one frame.
    public struct FaceTruth: Sendable, Codable, Equatable {
        public var person: String
        /// The face box (as the detector would place it) in frame pixels.
        public var box: Rect
        /// Hidden by an occluder: the face is not visible in this frame.
        public var occluded: Bool
    }

    /// One frame's truth.
    public struct FrameTruth: Sendable, Codable, Equatable {
        public var index: Int
        /// File name of the frame.
        public var name: String
        /// Seconds from the start of the clip.
        public var time: Double
        public var scene: Int
        public var shot: Int
        public var faces: [FaceTruth]
    }

    public let options: Options
    public let portraits: [Portrait]
    public let shots: [Shot]

    /// Plans a clip: each scene shows one to three of `people` (each person's portraits drawn from
    /// `portraits`); throws when a person has no portrait.
    public init(portraits: [Portrait], people: [String], options: Options = Options()) throws(RecognitionError) {
        self.options = options
        self.portraits = portraits
        var byPerson = [String: [Int]]()
        for (i, p) in portraits.enumerated() { byPerson[p.person, default: []].append(i) }
        guard !people.isEmpty else { throw RecognitionError(.invalidInput, detail: "a synthetic clip needs people") }
        for person in people where byPerson[person] == nil {
            throw RecognitionError(.invalidInput, detail: "no portrait of \(person) for the synthetic clip")
        }
        var random = SplitMix64(seed: options.seed)
        var shots = [Shot]()
        let w = Float(options.width), h = Float(options.height)
        for scene in 0 ..< options.scenes {
            let count = min(people.count, Int.random(in: options.peoplePerScene, using: &random))
            let cast = Array(people.shuffled(using: &random).prefix(count))
            let chosen = cast.map { person -> (String, Int) in
                let candidates = byPerson[person] ?? []
                return (person, candidates[Int.random(in: 0 ..< candidates.count, using: &random)])
            }
            for _ in 0 ..< options.shotsPerScene {
                let frames = Int.random(in: options.framesPerShot, using: &random)
                var actors = [Actor]()
                for (slot, (person, portrait)) in chosen.enumerated() {
                    let large = Float.random(in: options.largeFace, using: &random)
                    let small = Float.random(in: options.smallFace, using: &random)
                    let receding = Bool.random(using: &random)
                    // People keep to their own vertical band so that faces do not pass over each other.
                    let band = (h / Float(count), Float(slot) * h / Float(count))
                    func place(_ width: Float) -> Point {
                        let mx = 0.7 * width + 2, my = 0.8 * width + 2
                        let x = Float.random(in: mx ... max(mx, w - mx), using: &random)
                        let lo = max(my, band.1 + band.0 * 0.2), hi = min(h - my, band.1 + band.0 * 0.8)
                        let y = lo <= hi ? Float.random(in: lo ... hi, using: &random) : h / 2
                        return Point(x: x, y: y)
                    }
                    let startWidth = receding ? large : small, endWidth = receding ? small : large
                    var occluded: ClosedRange<Int>?
                    if Double.random(in: 0 ..< 1, using: &random) < options.occlusionChance {
                        let length = Int.random(in: options.occlusionFrames, using: &random)
                        if frames > length + 10 {
                            let start = Int.random(in: 5 ... frames - length - 5, using: &random)
                            occluded = start ... start + length - 1
                        }
                    }
                    actors.append(Actor(person: person, portrait: portrait, start: place(startWidth), end: place(endWidth),
                                        startWidth: startWidth, endWidth: endWidth, occluded: occluded))
                }
                shots.append(Shot(scene: scene, frames: frames, backgroundSeed: random.next(), actors: actors))
            }
        }
        self.shots = shots
    }

    /// Frames in the whole clip.
    public var frameCount: Int { shots.reduce(0) { $0 + $1.frames } }

    /// Where `actor`'s face is at frame `k` of a shot of `frames` frames: centre and width.
    func position(of actor: Actor, frame k: Int, of frames: Int) -> (center: Point, width: Float) {
        let t = frames > 1 ? Float(k) / Float(frames - 1) : 0
        let x = actor.start.x + (actor.end.x - actor.start.x) * t
        let y = actor.start.y + (actor.end.y - actor.start.y) * t
        // Widths change geometrically (a face moving away at constant speed shrinks ever more slowly).
        let width = actor.startWidth * Float.pow(actor.endWidth / actor.startWidth, t)
        return (Point(x: x, y: y), width)
    }

    /// The occluders in front of frame `k` of `shot`: a plain board over each head that is hidden then.
    func occluders(_ shot: Shot, frame k: Int) -> [Rect] {
        shot.actors.compactMap { actor -> Rect? in
            guard actor.occluded?.contains(k) ?? false else { return nil }
            let (center, width) = position(of: actor, frame: k, of: shot.frames)
            let side = Self.headSpan * width * 1.1
            return Rect(x: center.x - side / 2, y: center.y - side / 2, width: side, height: side)
        }
    }

    /// The truth of every frame, in order.
    public func truth() -> [FrameTruth] {
        var out = [FrameTruth]()
        var index = 0
        for (s, shot) in shots.enumerated() {
            for k in 0 ..< shot.frames {
                let boards = occluders(shot, frame: k)
                let faces = shot.actors.map { actor -> FaceTruth in
                    let (center, width) = position(of: actor, frame: k, of: shot.frames)
                    let portrait = portraits[actor.portrait]
                    let scale = width / portrait.face.width
                    let box = Rect(x: center.x - portrait.face.width * scale / 2,
                                   y: center.y - portrait.face.height * scale / 2,
                                   width: width, height: portrait.face.height * scale)
                    // Hidden when a board covers the face's centre (its own, or one in front of a neighbour).
                    let hidden = boards.contains { b in
                        center.x >= b.x && center.x <= b.x + b.width && center.y >= b.y && center.y <= b.y + b.height
                    }
                    return FaceTruth(person: actor.person, box: box, occluded: hidden)
                }
                out.append(FrameTruth(index: index, name: Self.frameName(index), time: Double(index) / options.framesPerSecond,
                                      scene: shot.scene, shot: s, faces: faces))
                index += 1
            }
        }
        return out
    }

    /// The file name of frame `index`.
    public static func frameName(_ index: Int) -> String {
        let digits = String(index)
        return "frame_" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".jpg"
    }
}

extension Float {
    static func pow(_ base: Float, _ exponent: Float) -> Float { Float(Foundation.pow(Double(base), Double(exponent))) }
}
