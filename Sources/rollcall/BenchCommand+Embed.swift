import ArgumentParser
import Evaluation
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import ModelSupply
import Neural

extension BenchCommand {
    /// `rollcall bench embed`: one face's alignment (5-point landmarks with refinements, 150×150 chip) and
    /// embedding, detection excluded — what dlib's `compute_face_descriptor(image, shape)` plus its
    /// shape predictor do.
    struct Embed: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "embed",
            abstract: "Time alignment + embedding of one detected face.")

        @Option(help: "Embedding backbone: dlib or vgg16.")
        var backbone: Backbone = .dlib

        @Option(help: "Image with one face (default: the demo-obama photo from the model store).")
        var image: String?

        @Option(help: "Timed runs.")
        var iterations: Int = 50

        @Option(help: "Untimed warm-up runs.")
        var warmup: Int = 5

        @Flag(inversion: .prefixedNo, help: "Mirror-averaged embedding, as eval and the cloud use it (default on).")
        var mirror = true

        @Option(help: "Threads for one face: with 2 or more and mirror averaging, the two forward passes run at once (OpenBLAS at 1 thread each); otherwise OpenBLAS's threads.")
        var threads: Int = ProcessInfo.processInfo.activeProcessorCount

        @Flag(inversion: .prefixedNo, help: "With --threads ≥ 2, run the mirror-averaged passes concurrently (default on).")
        var concurrentMirror = true

        @Flag(help: "Also print the dlib network's mean milliseconds per op (one pass on the chip, to stderr).")
        var profile = false

        func validate() throws {
            guard iterations >= 1, warmup >= 0, threads >= 1 else {
                throw ValidationError("--iterations ≥ 1, --warmup ≥ 0, --threads ≥ 1")
            }
        }

        func run() throws {
            if backbone == .vgg16 {
                // VGG16 embeds a whole 224×224 input: the forward pass is the cost, timed by `bench vgg16`.
                let forward = try VGG16Forward.parse(["--runs", "\(iterations)", "--threads", "\(threads)"])
                try forward.run()
                return
            }
            let concurrent = concurrentMirror && mirror && threads >= 2
            BLAS.setThreads(concurrent ? 1 : threads)
            let store = try ModelStore.standard()
            let path = try image ?? store.url(for: "demo-obama").path
            let picture = try Image.load(contentsOf: path, options: DecodeOptions(format: .rgb))
            let detector = try BlazeFaceDetector(model: .short, modelURL: store.url(for: BlazeFaceModel.short.modelID))
            guard let face = IdentityPipeline.choose(detector.detect(picture), choice: .largest,
                                                      width: picture.width, height: picture.height) else {
                throw ValidationError("no face found in \(path)")
            }
            let models = try DlibModels(network: store.url(for: "dlib-resnet"), shapePredictor: store.url(for: "dlib-shape-5"))
            let embedder = DlibFaceEmbedder(models: models, mirrorAverage: mirror, concurrentMirror: concurrent)
            var samples = [Double](), alignSamples = [Double]()
            for i in 0 ..< warmup + iterations {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let landmarks = models.aligner.landmarks(in: picture, box: face.box)
                let t1 = DispatchTime.now().uptimeNanoseconds
                _ = try embedder.embedding(of: picture, landmarks: landmarks)
                let t2 = DispatchTime.now().uptimeNanoseconds
                if i >= warmup {
                    samples.append(Double(t2 - t0) / 1e6)
                    alignSamples.append(Double(t1 - t0) / 1e6)
                }
            }
            // One forward pass on the aligned chip, nothing else (what dlib's compute_face_descriptor(chip) times),
            // with the GEMM split over `threads`.
            BLAS.setThreads(threads)
            let chip = try models.aligner.chip(from: picture, landmarks: models.aligner.landmarks(in: picture, box: face.box))
            let workspace = models.network.makeWorkspace()
            var forwardSamples = [Double]()
            for i in 0 ..< warmup + iterations {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = try models.network.embedding(of: chip, workspace: workspace)
                if i >= warmup { forwardSamples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6) }
            }
            if profile {
                for (kind, ms) in models.network.plan.profile(in: workspace, runs: iterations).millisecondsBySummary() {
                    FileHandle.standardError.write(Data(String(format: "%8.4f ms  %@\n", ms, kind).utf8))
                }
            }
            let total = BenchTiming.figures(samples), landmarks = BenchTiming.figures(alignSamples)
            let forward = BenchTiming.figures(forwardSamples)
            try printJSON([
                "backbone": backbone.rawValue,
                "what": "landmarks (\(models.aligner.options.refinements) refinements) + chip + embedding\(mirror ? " (mirror-averaged: 2 forward passes)" : ""), per face",
                "mirror": mirror,
                "concurrent_mirror": concurrent,
                "blas_threads": concurrent ? 1 : threads,
                "median_ms": total.median,
                "p90_ms": total.p90,
                "landmarks_median_ms": landmarks.median,
                "forward_median_ms": forward.median,
                "forward_threads": threads,
                "iterations": iterations,
                "threads": threads,
                "image": path,
                "image_size": [picture.width, picture.height],
            ])
        }
    }
}
