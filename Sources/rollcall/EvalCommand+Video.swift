import Agent
import ArgumentParser
import Cloud
import Evaluation
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import ModelSupply
import Neural
import RollcallCore

extension CameraConfig.DetectorRange: ExpressibleByArgument {}

extension EvalCommand {
    /// `rollcall eval video --frames DIR --enroll NAME=PHOTO …`: a clip through the agent's pipeline.
    struct Video: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "video",
            abstract: "Recognition on a folder of video frames through the agent's own pipeline (JSON on stdout).",
            discussion: """
                Frames (.jpg/.png, in name order, --fps apart) go through the edge agent's per-camera pipeline in \
                edge-match mode: detection, tracking, crop selection, dlib embedding and the gallery's match \
                decision, against a gallery enrolled from the --enroll photos. Prints {"frames": [{"name", \
                "index", "time", "faces": [{"track", "box", "score", "name", "distance", "name_at_frame", \
                "distance_at_frame"}]}], "tracks": [{"id", "first_frame", "last_frame", "frames", "decisions", \
                "name", "distance"}]}: every face carries its track's final identity ("name") and the identity \
                its track had when the frame was processed ("name_at_frame"). With a truth file (as \
                `eval synth-video` writes; default DIR/truth.json when present) a "score" object compares them.
                """)

        @Option(help: "Folder of frames.")
        var frames: String

        @Option(parsing: .singleValue, help: "A worker: NAME=PHOTO (repeat; a name may be given several photos).")
        var enroll: [String] = []

        @Option(help: "Frames per second of the clip (frame times are index / fps).")
        var fps: Double = 10

        @Option(help: "Detector: short, full or auto (both over scales and tiles).")
        var detector: CameraConfig.DetectorRange = .auto

        @Option(help: "Match threshold (default: the backbone's calibrated default).")
        var threshold: Float?

        @Option(help: "Match ratio: nearest distance below this fraction of the second-nearest (default: the backbone's; 1 = off).")
        var ratio: Float?

        @Option(help: "Truth of a synthetic clip (default: <frames>/truth.json when present).")
        var truth: String?

        @Flag(help: "Leave the per-frame list out of the output (tracks and score only).")
        var summary = false

        func validate() throws {
            guard fps > 0, fps <= 1000 else { throw ValidationError("--fps must be in (0, 1000]") }
            for item in enroll where !item.contains("=") { throw ValidationError("--enroll takes NAME=PHOTO, got \(item)") }
        }

        func run() throws {
            BLAS.setThreads(1)
            let started = Date()
            let framePaths = ImageFileWalker.files(in: [frames])
            guard !framePaths.isEmpty else { throw ValidationError("no frames (.jpg, .png, .pgm, .ppm) in \(frames)") }
            let store = try ModelStore.standard()
            let models = try DlibModels(network: store.url(for: "dlib-resnet"), shapePredictor: store.url(for: "dlib-shape-5"))
            let embedder = DlibFaceEmbedder(models: models)
            // Enrollment photos are checked and embedded as the cloud does (whole-image detection, the same check).
            let enrollmentDetector = MultiScaleFaceDetector(
                short: try BlazeFaceDetector(model: .short, modelURL: store.url(for: BlazeFaceModel.short.modelID)),
                full: try BlazeFaceDetector(model: .full, modelURL: store.url(for: BlazeFaceModel.full.modelID)))
            var photos = [String: [[Float]]]()
            for item in enroll {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                let image = try Image.load(contentsOf: parts[1], options: DecodeOptions(format: .rgb, maxPixels: 1 << 20))
                let measured = EnrollmentPhotoCheck.measure(enrollmentDetector.detect(image), in: image, embedder: embedder)
                do {
                    photos[parts[0], default: []].append(try CloudConfig().recognition.enrollmentPhotoCheck.accept(measured).embedding)
                } catch {
                    throw ValidationError("enrollment photo \(parts[1]) of \(parts[0]) refused: \(error.detail)")
                }
            }
            // Workers are numbered in name order, as the cloud's store would number them.
            var policy = MatchPolicy.defaults(for: .dlib)
            if let threshold { policy.threshold = threshold }
            if let ratio { policy.ratio = ratio }
            var gallery = try Gallery(modelID: Backbone.dlib.modelID, dimension: models.network.dimension, policy: policy)
            var workerNames = [WorkerID: String]()
            for (index, name) in photos.keys.sorted().enumerated() {
                let id = WorkerID(index + 1)
                workerNames[id] = name
                try gallery.enroll(workerID: id, embeddings: photos[name] ?? [])
            }
            // The agent's own gallery cache, holding the snapshot the cloud would publish.
            let folder = NSTemporaryDirectory() + "rollcall-eval-video-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let cache = try GalleryCache(folder: folder, verifier: AgentBenchClip.UnsignedSnapshot(modelID: gallery.modelID),
                                         builder: RecognitionGalleryBuilder(modelID: gallery.modelID))
            guard case .applied = cache.apply(Data(gallery.snapshot())) else { throw ValidationError("the gallery was refused") }

            let defaults = try AgentConfig.parse(yaml: """
                site: eval
                agent_id: eval
                mode: edge-match
                broker: {host: 127.0.0.1, ca_file: x, cert_file: x, key_file: x}
                cameras: [{id: eval, source: {kind: folder, path: x}}]
                gallery: {public_key: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}
                """)
            let processor = FrameProcessor(
                camera: "eval", mode: .edgeMatch, detection: defaults.detection, tracking: defaults.tracking,
                crops: defaults.crops,
                detector: try AgentAssembly.detector(AgentAssembly.detectorModels(detector, store: store, component: "--detector"),
                                                     minScore: defaults.detection.minScore),
                renderer: ImagingCropRenderer(), embedder: embedder,
                matcher: EdgeMatcher(cache: cache), stats: AgentStats(), firstTrackID: 1)
            var evaluation = VideoEvaluation(processor: processor, framesPerSecond: fps, names: workerNames)
            let report = try evaluation.run(frameNames: framePaths.map { ($0 as NSString).lastPathComponent }) { index in
                try Image.load(contentsOf: framePaths[index], options: DecodeOptions(format: .rgb))
            }
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys]
            var object = try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any] ?? [:]
            if summary { object["frames"] = nil }
            let truthPath = truth ?? (frames as NSString).appendingPathComponent("truth.json")
            if FileManager.default.fileExists(atPath: truthPath) {
                let truth = try JSONDecoder().decode([SyntheticVideo.FrameTruth].self,
                                                     from: Data(contentsOf: URL(fileURLWithPath: truthPath)))
                let score = VideoScore(report: report, truth: truth, enrolled: Set(photos.keys))
                var scoreObject = try JSONSerialization.jsonObject(with: encoder.encode(score)) as? [String: Any] ?? [:]
                scoreObject["named_frames"] = score.namedFrames
                scoreObject["false_name_frames"] = score.falseNameFrames
                object["score"] = scoreObject
            }
            object["detector"] = detector.rawValue
            object["threshold"] = Double(policy.threshold)
            object["ratio"] = Double(policy.ratio)
            object["enrolled"] = photos.keys.sorted()
            object["seconds"] = Date().timeIntervalSince(started)
            try printJSON(object)
        }
    }
}
