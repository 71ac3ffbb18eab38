import ArgumentParser
import Evaluation
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import ModelSupply
import Neural

extension EvalCommand {
    /// `rollcall eval quality --root DIR`: the enrollment-quality measures of a photo collection, to calibrate
    /// the enrollment check on photos people would use.
    struct Quality: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "quality",
            abstract: "Face size, frontalness and sharpness (raw box and aligned 150×150 chip) of every photo (JSON).",
            discussion: """
                Each photo's largest face (BlazeFace short range) is aligned as the dlib embedder aligns it. Prints \
                {"photos", "no_face", "percentiles": {measure: {"p0.1", "p0.5", "p1", "p5", "p50"}}} and, with \
                --lines, one line per photo first.
                """)

        @Argument(help: "Photos or folders (searched recursively).")
        var paths: [String]

        @Flag(help: "Print one JSON line per photo before the summary.")
        var lines = false

        @Option(help: "Worker threads.")
        var workers: Int = ProcessInfo.processInfo.activeProcessorCount

        func run() throws {
            BLAS.setThreads(1)
            let files = ImageFileWalker.files(in: paths)
            let store = try ModelStore.standard()
            let detectorURL = try store.url(for: BlazeFaceModel.short.modelID)
            let models = try DlibModels(network: store.url(for: "dlib-resnet"), shapePredictor: store.url(for: "dlib-shape-5"))
            let measured = try parallelMap(count: files.count, workers: max(1, workers), makeState: {
                try BlazeFaceDetector(model: .short, modelURL: detectorURL)
            }) { detector, i -> [String: Double]? in
                guard let image = try? Image.load(contentsOf: files[i], options: DecodeOptions(format: .rgb, maxPixels: 1 << 20)),
                      let face = detector.detect(image).max(by: { $0.box.area < $1.box.area }),
                      case let landmarks = models.aligner.landmarks(in: image, box: face.box),
                      let chip = try? models.aligner.chip(from: image, landmarks: landmarks)
                else { return nil }
                return ["face_px": Double(min(face.box.width, face.box.height)), "score": Double(face.score),
                        "frontalness": Double(FaceQuality.frontalness(face.keypoints)),
                        "landmark_frontalness": Double(LandmarkPose.frontalness(landmarks) ?? -1),
                        "box_sharpness": Double(Sharpness.laplacianVariance(of: image, in: face.box)),
                        "chip_sharpness": Double(ChipSharpness.laplacianVariance(ofChip: chip))]
            }
            var columns = [String: [Double]]()
            var noFace = 0
            for (path, m) in zip(files, measured) {
                guard let m = m ?? nil else {
                    noFace += 1
                    continue
                }
                for (k, v) in m { columns[k, default: []].append(v) }
                if lines {
                    var line = m as [String: Any]
                    line["path"] = path
                    try printJSON(line)
                }
            }
            var percentiles = [String: [String: Double]]()
            for (k, values) in columns {
                let sorted = values.sorted()
                func q(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(p / 100 * Double(sorted.count)))] }
                percentiles[k] = ["p0.1": q(0.1), "p0.5": q(0.5), "p1": q(1), "p5": q(5), "p50": q(50)]
            }
            try printJSON(["photos": files.count, "no_face": noFace, "percentiles": percentiles])
        }
    }
}
