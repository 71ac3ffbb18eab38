import ArgumentParser
import Cloud
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
                --lines, one line per photo first. With --check, each photo instead goes through the enrollment \
                check exactly as the cloud applies it (both BlazeFace ranges over scales, every face measured, the \
                default limits): each line gives the largest face's size, eye spacing, landmark frontalness and chip \
                sharpness, the "verdict" (accepted or the refusal's code) and "why"; the summary counts the verdicts.
                """)

        @Argument(help: "Photos or folders (searched recursively).")
        var paths: [String]

        @Flag(help: "Print one JSON line per photo before the summary.")
        var lines = false

        @Flag(help: "Judge every photo with the cloud's enrollment check (verdict and reason per photo, counts).")
        var check = false

        @Option(help: "Worker threads.")
        var workers: Int = ProcessInfo.processInfo.activeProcessorCount

        func run() throws {
            BLAS.setThreads(1)
            let files = ImageFileWalker.files(in: paths)
            let store = try ModelStore.standard()
            if check { return try runCheck(files: files, store: store) }
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
    
        /// `--check`: each photo through the enrollment check with the cloud's detector and limits.
        func runCheck(files: [String], store: ModelStore) throws {
            let shortURL = try store.url(for: BlazeFaceModel.short.modelID)
            let fullURL = try store.url(for: BlazeFaceModel.full.modelID)
            let models = try DlibModels(network: store.url(for: "dlib-resnet"), shapePredictor: store.url(for: "dlib-shape-5"))
            let limits = CloudConfig().recognition.enrollmentPhotoCheck
            let verdicts = try parallelMap(count: files.count, workers: max(1, workers), makeState: {
                (MultiScaleFaceDetector(short: try BlazeFaceDetector(model: .short, modelURL: shortURL),
                                        full: try BlazeFaceDetector(model: .full, modelURL: fullURL)),
                 DlibFaceEmbedder(models: models))
            }) { state, i -> [String: String] in
                guard let image = try? Image.load(contentsOf: files[i], options: DecodeOptions(format: .rgb, maxPixels: 1 << 20)) else {
                    return ["verdict": "unreadable", "why": "cannot decode"]
                }
                let measured = EnrollmentPhotoCheck.measure(state.0.detect(image), in: image, embedder: state.1)
                var pose = [String: String]()
                if let largest = measured.max(by: { $0.face.box.width < $1.face.box.width }) {
                    pose["eye_spacing"] = String(format: "%.3f", largest.candidate.quality.eyeSpacing ?? -1)
                    pose["landmark_frontalness"] = String(format: "%.3f", largest.candidate.quality.landmarkFrontalness ?? -1)
                    pose["face_px"] = String(format: "%.0f", min(largest.face.box.width, largest.face.box.height))
                    pose["chip_sharpness"] = String(format: "%.1f", largest.candidate.quality.chipLaplacianVariance ?? -1)
                }
                do throws(RecognitionError) {
                    let face = try limits.accept(measured)
                    let q = face.candidate.quality
                    return pose.merging(["verdict": "accepted", "why": String(format: "%.0f px, frontalness %.2f, chip sharpness %.1f",
                                                                 min(face.face.box.width, face.face.box.height),
                                                                 q.landmarkFrontalness ?? q.frontalness, q.chipLaplacianVariance ?? 0)]) { $1 }
                } catch {
                    return pose.merging(["verdict": error.code.rawValue, "why": error.detail]) { $1 }
                }
            }
            var counts = [String: Int]()
            for (path, result) in zip(files, verdicts) {
                let verdict = result ?? ["verdict": "failed", "why": "not measured"]
                counts[verdict["verdict"] ?? "?", default: 0] += 1
                if lines {
                    var line = verdict
                    line["path"] = path
                    try printJSON(line)
                }
            }
            try printJSON(["photos": files.count, "verdicts": counts] as [String: Any])
        }
}
}
