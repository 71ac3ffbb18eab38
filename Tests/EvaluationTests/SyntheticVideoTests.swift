import Evaluation
import FaceRecognition
import Foundation
import Imaging
import Testing

/// The synthetic clip generator: reproducible plans, truth that matches what is drawn, occlusions and cuts.
@Suite struct SyntheticVideoTests {
    /// A 200×200 "portrait": mid-grey with a bright square standing in for the face (box 60…140).
    static func portrait(_ person: String, value: UInt8) throws -> SyntheticVideo.Portrait {
        let image = try Image(width: 200, height: 200, format: .rgb) { buffer in
            for y in 0 ..< 200 {
                for x in 0 ..< 200 {
                    let inside = (60 ..< 140).contains(x) && (60 ..< 140).contains(y)
                    for c in 0 ..< 3 { buffer[(y * 200 + x) * 3 + c] = inside ? value : 128 }
                }
            }
        }
        return SyntheticVideo.Portrait(person: person, path: "\(person).png", image: image,
                                       face: Rect(x: 60, y: 60, width: 80, height: 80))
    }

    static func clip(seed: UInt64 = 7) throws -> SyntheticVideo {
        var options = SyntheticVideo.Options()
        options.scenes = 3
        options.seed = seed
        options.framesPerShot = 20 ... 24
        return try SyntheticVideo(portraits: [try portrait("ann", value: 250), try portrait("bob", value: 5)],
                                  people: ["ann", "bob"], options: options)
    }

    @Test func plansAreReproducibleFromTheSeed() throws {
        #expect(try Self.clip().shots == Self.clip().shots)
        #expect(try Self.clip(seed: 8).shots != Self.clip().shots)
        let clip = try Self.clip()
        #expect(clip.shots.count == 6, "3 scenes, each cut once")
        #expect(clip.frameCount == clip.truth().count)
        #expect(clip.truth().map(\.name).prefix(2) == ["frame_00000.jpg", "frame_00001.jpg"])
    }

    @Test func facesShrinkOrGrowWithinTheConfiguredSizesAndStayInTheFrame() throws {
        let clip = try Self.clip()
        for frame in clip.truth() {
            for face in frame.faces {
                #expect(face.box.width >= 27.9 && face.box.width <= 170.1, "\(frame.name): \(face.box)")
                let c = face.box.center
                #expect(c.x > 0 && c.x < 640 && c.y > 0 && c.y < 360, "\(frame.name): \(face.box)")
            }
        }
        // Each shot's first and last frame: one end large, the other small.
        for shot in clip.shots {
            for actor in shot.actors {
                #expect(max(actor.startWidth, actor.endWidth) >= 100 && min(actor.startWidth, actor.endWidth) <= 60)
            }
        }
    }

    @Test func drawnFacesAreWhereTheTruthSaysAndOccludersHideThem() throws {
        let clip = try Self.clip()
        let truth = clip.truth()
        var checkedVisible = 0, checkedHidden = 0
        for frame in truth where frame.index % 5 == 0 || frame.faces.contains(where: \.occluded) {
            let image = try clip.frame(frame.index)
            #expect(image.width == 640 && image.height == 360)
            for face in frame.faces where face.box.width >= 40 {
                let c = face.box.center
                let v = image[Int(c.x), Int(c.y), 0]
                // Faces under another person's head are not checked (the later one is drawn on top).
                let overlapped = frame.faces.contains { other in
                    let o = other.box.center
                    return other.person != face.person && abs(o.x - c.x) < 0.85 * other.box.width + 2
                        && abs(o.y - c.y) < 1.05 * other.box.width + 2
                }
                if overlapped { continue }
                if face.occluded {
                    #expect(v == 96, "\(frame.name): \(face.person) should be hidden")
                    checkedHidden += 1
                } else {
                    #expect(v == (face.person == "ann" ? 250 : 5), "\(frame.name): \(face.person) at \(c) reads \(v)")
                    checkedVisible += 1
                }
            }
        }
        #expect(checkedVisible > 20)
        #expect(checkedHidden > 0, "the plan has occlusions")
    }

    @Test func writesFramesAndTruth() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-video-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = SyntheticVideo.Options()
        options.scenes = 1
        options.framesPerShot = 12 ... 12
        let clip = try SyntheticVideo(portraits: [try Self.portrait("ann", value: 250)], people: ["ann"], options: options)
        let truth = try clip.write(to: folder)
        #expect(truth.count == 24)
        let decoded = try JSONDecoder().decode([SyntheticVideo.FrameTruth].self,
                                               from: Data(contentsOf: folder.appendingPathComponent("truth.json")))
        #expect(decoded == truth)
        let first = try Image.load(contentsOf: folder.appendingPathComponent("frame_00000.jpg").path)
        #expect(first.width == 640 && first.height == 360)
    }

    @Test func refusesPeopleWithoutPortraits() throws {
        #expect(throws: RecognitionError.self) {
            try SyntheticVideo(portraits: [try Self.portrait("ann", value: 250)], people: ["ann", "zed"])
        }
        #expect(throws: RecognitionError.self) { try SyntheticVideo(portraits: [], people: []) }
    }
}
