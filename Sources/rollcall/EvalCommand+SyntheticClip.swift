import ArgumentParser
import Evaluation
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import ModelSupply
import Neural

extension EvalCommand {
    /// `rollcall eval synth-video --root DIR --out DIR`: a synthetic clip for `eval video`.
    struct SyntheticClip: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synth-video",
            abstract: "Make a synthetic camera clip from a folder of people's photos (frames, truth.json, enroll.txt).",
            discussion: """
                People are the sorted subfolders of --root, as in `eval identify`: even-index people are enrolled \
                with their first photo showing one face of at least --min-enroll-px (listed as NAME=PHOTO lines in \
                enroll.txt), odd-index people are strangers. Faces cut from the other photos move across generated \
                backgrounds, shrinking and growing, with camera cuts and short occlusions. The clip is made from \
                research data: keep it out of the repository.
                """)

        @Option(help: "Folder of people, one subfolder of photos per person (e.g. ../shared/datasets/celeba-dev).")
        var root: String

        @Option(help: "Output folder (created).")
        var out: String

        @Option(help: "At most this many people (enrolled and strangers alternate).")
        var people = 12

        @Option(help: "Scenes (each with its own people, cut once into two shots).")
        var scenes = 8

        @Option(help: "Random seed of the plan.")
        var seed: UInt64 = 1

        @Option(name: .customLong("min-enroll-px"), help: "Smallest face width of an enrollment photo.")
        var minEnrollPixels: Float = 80

        func validate() throws {
            guard (2 ... 200).contains(people) else { throw ValidationError("--people must be 2…200") }
            guard (1 ... 500).contains(scenes) else { throw ValidationError("--scenes must be 1…500") }
        }

        func run() throws {
            let store = try ModelStore.standard()
            let detector = try BlazeFaceDetector(model: .short, modelURL: store.url(for: "blazeface-short"))
            let fm = FileManager.default
            let folders = try fm.contentsOfDirectory(atPath: root).filter { !$0.hasPrefix(".") }.sorted().filter {
                var isDirectory: ObjCBool = false
                return fm.fileExists(atPath: (root as NSString).appendingPathComponent($0), isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }
            var portraits = [SyntheticVideo.Portrait]()
            var enrollment = [(String, String)]()
            var cast = [String]()
            for (index, person) in folders.prefix(people).enumerated() {
                let folder = (root as NSString).appendingPathComponent(person)
                let files = ImageFileWalker.files(in: [folder])
                var enrollmentDone = index % 2 == 1   // strangers get no enrollment photo
                var own = [SyntheticVideo.Portrait]()
                for path in files {
                    guard let image = try? Image.load(contentsOf: path, options: DecodeOptions(format: .rgb, maxPixels: 1 << 20))
                    else { continue }
                    let faces = detector.detect(image)
                    guard faces.count == 1, let face = faces.first else { continue }
                    if !enrollmentDone, face.box.width >= minEnrollPixels {
                        enrollment.append((person, path))
                        enrollmentDone = true
                        continue
                    }
                    // Faces are shrunk, never enlarged much: keep photos whose face is at least 100 px.
                    if face.box.width >= 100 { own.append(.init(person: person, path: path, image: image, face: face.box)) }
                }
                if enrollmentDone, !own.isEmpty {
                    portraits += own
                    cast.append(person)
                }
            }
            var options = SyntheticVideo.Options()
            options.scenes = scenes
            options.seed = seed
            let video = try SyntheticVideo(portraits: portraits, people: cast, options: options)
            let outURL = URL(fileURLWithPath: out)
            let truth = try video.write(to: outURL)
            let enrolledNames = Set(enrollment.map(\.0))
            let lines = enrollment.filter { cast.contains($0.0) }.map { "\($0.0)=\($0.1)" }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: outURL.appendingPathComponent("enroll.txt"))
            try printJSON([
                "frames": truth.count, "scenes": scenes, "seed": Int(seed),
                "people": cast, "enrolled": cast.filter { enrolledNames.contains($0) },
                "faces_visible": truth.reduce(0) { $0 + $1.faces.filter { !$0.occluded }.count },
                "out": out,
            ])
        }
    }
}
