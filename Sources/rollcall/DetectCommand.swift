import ArgumentParser
import FaceDetection
import Foundation
import Imaging
import Neural

extension BlazeFaceModel: ExpressibleByArgument {}

/// Options shared by `rollcall detect` and `rollcall bench detect`: which BlazeFace model and where it is.
struct DetectorOptions: ParsableArguments {
    @Option(help: "BlazeFace variant: short (128×128, faces within ~2 m) or full (192×192, ~5 m).")
    var model: BlazeFaceModel = .short

    @Option(name: .customLong("min-score"),
            help: "Drop detections scoring below this (default: MediaPipe's, 0.5 for short range, 0.6 for full range).")
    var minScore: Float?

    @Option(name: .customLong("model-file"), help: "Use this .tflite file instead of the pinned model.")
    var modelFile: String?

    @OptionGroup var store: ModelsCommand.StoreOptions

    func validate() throws {
        if let minScore, !(minScore.isFinite && minScore >= 0 && minScore <= 1) {
            throw ValidationError("--min-score must be in [0, 1], got \(minScore)")
        }
    }

    func makeDetector() throws -> BlazeFaceDetector {
        let url = try modelFile.map { URL(fileURLWithPath: $0) } ?? store.store().url(for: model.modelID)
        return try BlazeFaceDetector(model: model, modelURL: url, minScore: minScore)
    }
}

/// `rollcall detect`: faces in image files, one JSON object per image per line.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect faces (BlazeFace) in images; prints one JSON object per image per line.",
        discussion: """
            Each line: {"path", "width", "height", "faces": [{"score", "box": [x, y, w, h], "keypoints": [[x, y] ×6]}]} \
            in pixels, keypoints in MediaPipe's order (right eye, left eye, nose tip, mouth, right ear, left ear). \
            A file that cannot be read or decoded gives {"path", "error"} and the run goes on; the exit status is 1 \
            if any file failed. Folders are searched recursively for .jpg/.jpeg/.png/.pgm/.ppm files.
            """
    )

    @OptionGroup var detector: DetectorOptions

    @Flag(name: .customLong("all-scales"),
          help: "Find small faces too: both models over scales and tiles, short range's own faces first (--model is ignored).")
    var allScales = false

    @Option(name: .customLong("tile-min-score"), help: "With --all-scales: the score faces found on tiles need.")
    var tileMinScore: Float = MultiScaleFaceDetector.Options().tileMinScore

    @Option(name: .customLong("tile-overlap"), help: "With --all-scales: overlap of neighbouring tiles (fraction of their side).")
    var tileOverlap: Float = MultiScaleFaceDetector.Options().tileOverlap

    @Flag(name: .customLong("whole-full"), help: "With --all-scales: run the full-range model over the whole image also when it is tiled.")
    var wholeFull = false

    @Argument(help: "Image files or folders.")
    var paths: [String]

    func run() throws {
        BLAS.setThreads(1)
        let detect: (Image) -> [DetectedFace]
        if allScales {
            let store = try detector.store.store()
            let multi = MultiScaleFaceDetector(
                short: try BlazeFaceDetector(model: .short, modelURL: store.url(for: BlazeFaceModel.short.modelID), minScore: detector.minScore),
                full: try BlazeFaceDetector(model: .full, modelURL: store.url(for: BlazeFaceModel.full.modelID), minScore: detector.minScore),
                options: .init(tileOverlap: tileOverlap, wholeImageFullRange: wholeFull, tileMinScore: tileMinScore))
            detect = multi.detect
        } else {
            detect = try detector.makeDetector().detect
        }
        let files = ImageFileWalker.files(in: paths)
        let decoder = FaceFileDetection()
        var failures = 0
        for path in files {
            do {
                let report = try decoder.detect(path, using: detect)
                print(DetectionJSON.line(report))
            } catch {
                failures += 1
                print(DetectionJSON.errorLine(path: path, error: error.description))
            }
        }
        if failures > 0 {
            FileHandle.standardError.write(Data("\(failures) of \(files.count) file(s) failed\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Lists image files: named files as given, folders recursively (sorted, by extension).
enum ImageFileWalker {
    static let extensions: Set<String> = ["jpg", "jpeg", "png", "pgm", "ppm", "pnm"]

    static func files(in paths: [String]) -> [String] {
        var out = [String]()
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                out.append(path)  // a missing file is reported as an error line
                continue
            }
            let root = URL(fileURLWithPath: path)
            var found = [String]()
            if let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) {
                for case let url as URL in walker where extensions.contains(url.pathExtension.lowercased()) {
                    let relative = url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : url.lastPathComponent
                    found.append((path as NSString).appendingPathComponent(relative))
                }
            }
            out += found.sorted()
        }
        return out
    }
}

/// The JSON lines `rollcall detect` prints (hand-written for a fixed key order and compact numbers).
enum DetectionJSON {
    static func string(_ s: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(s)) ?? Data("\"?\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func number(_ v: Float) -> String { v.isFinite ? "\(v)" : "null" }

    static func line(_ r: FaceFileReport) -> String {
        let faces = r.faces.map { f in
            let box = [f.box.x, f.box.y, f.box.width, f.box.height].map(number).joined(separator: ",")
            let keypoints = f.keypoints.map { "[\(number($0.x)),\(number($0.y))]" }.joined(separator: ",")
            return "{\"score\":\(number(f.score)),\"box\":[\(box)],\"keypoints\":[\(keypoints)]}"
        }
        return "{\"path\":\(string(r.path)),\"width\":\(r.width),\"height\":\(r.height),\"faces\":[\(faces.joined(separator: ","))]}"
    }

    static func errorLine(path: String, error: String) -> String {
        "{\"path\":\(string(path)),\"error\":\(string(error))}"
    }
}
