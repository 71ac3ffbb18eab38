import Agent
import ArgumentParser
import FaceDetection
import FaceRecognition
import Foundation
import RollcallCore
import Imaging
import ModelSupply
import Neural

extension BenchCommand {
    /// `rollcall bench agent`: the agent's per-frame pipeline (JPEG decode → BlazeFace → tracker → quality →
    /// crop selection → JPEG crop → disk outbox) on a 640×480 MJPEG clip with 1–3 moving faces, at full speed on
    /// one thread. Run it pinned to one core: `taskset -c 0 rollcall bench agent`.
    struct AgentPipeline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agent",
            abstract: "Time the edge agent's per-frame pipeline on a 640×480 MJPEG clip (JSON: median_ms, p90_ms, fps, rss_mb).")

        @Option(help: "An MJPEG file to play (concatenated JPEGs); default: a clip made from the demo photos.")
        var mjpeg: String?

        @Option(help: "Faces in the generated clip (1…3).")
        var faces = 2

        @Option(help: "Frames in the generated clip.")
        var frames = 300

        @Option(help: "BlazeFace variant: short, full, or auto (both over scales and tiles).")
        var detector = "short"

        @Option(help: "Write the generated clip here (to inspect or replay it).")
        var saveClip: String?

        @Option(help: "Agent mode: cloud-match, or edge-match / privacy (each published crop is also embedded with dlib and matched).")
        var mode = "cloud-match"

        func validate() throws {
            guard (1...3).contains(faces) else { throw ValidationError("--faces must be 1…3") }
            guard (10...100_000).contains(frames) else { throw ValidationError("--frames must be 10…100000") }
            guard CameraConfig.DetectorRange(rawValue: detector) != nil else { throw ValidationError("--detector must be short, full or auto") }
            guard AgentConfig.Mode(rawValue: mode) != nil else { throw ValidationError("--mode must be cloud-match, edge-match or privacy") }
        }

        func run() async throws {
            BLAS.setThreads(1)
            ProcessMemory.returnLargeBlocksToTheSystem()   // as rollcall-agent does at start
            let clip = try mjpeg.map { try AgentBenchClip.split(Data(contentsOf: URL(fileURLWithPath: $0))) }
                ?? AgentBenchClip.generate(faces: faces, frames: frames)
            if let saveClip { try Data(clip.joined()).write(to: URL(fileURLWithPath: saveClip)) }

            let range = CameraConfig.DetectorRange(rawValue: detector) ?? .short
            let store = try ModelStore.standard()
            let blazeFace = try AgentAssembly.detector(AgentAssembly.detectorModels(range, store: store, component: "--detector"),
                                                       minScore: 0.5)
            let defaults = try AgentConfig.parse(yaml: """
                site: bench
                agent_id: bench
                broker: {host: 127.0.0.1, ca_file: x, cert_file: x, key_file: x}
                cameras: [{id: bench, source: {kind: mjpeg, path: x}}]
                """)
            let folder = NSTemporaryDirectory() + "rollcall-bench-agent-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let stats = AgentStats()
            let outbox = try Outbox(folder: folder + "/outbox", maxBytes: 1 << 30)
            let agentMode = AgentConfig.Mode(rawValue: mode) ?? .cloudMatch
            let local = agentMode == .cloudMatch ? nil : try AgentBenchClip.localRecognition(folder: folder + "/gallery")
            let sink = EventSink(encoder: WireAgentEncoder(site: "bench", agent: "bench", mode: agentMode, version: "bench"),
                                 outbox: outbox, stats: stats)
            var processor = FrameProcessor(
                camera: "bench", mode: agentMode, detection: defaults.detection, tracking: defaults.tracking,
                crops: defaults.crops, detector: blazeFace, renderer: ImagingCropRenderer(), embedder: local?.embedder,
                matcher: local?.matcher, stats: stats, firstTrackID: 1)

            // One warm-up pass over a few frames (allocations, caches), then the timed pass.
            var warm = processor
            for jpeg in clip.prefix(5) { _ = warm.process(try AgentBenchClip.frame(jpeg, at: 0)) }

            var samples: [Double] = [], decodeSamples: [Double] = []
            samples.reserveCapacity(clip.count)
            let start = DispatchTime.now().uptimeNanoseconds
            for (index, jpeg) in clip.enumerated() {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let frame = try AgentBenchClip.frame(jpeg, at: Double(index) / 30)
                let t1 = DispatchTime.now().uptimeNanoseconds
                sink.submit(processor.process(frame))
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                decodeSamples.append(Double(t1 - t0) / 1e6)
            }
            sink.submit(processor.finish())
            let totalSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let snapshot = stats.snapshot()
            let sorted = samples.sorted()
            func quantile(_ q: Double, _ values: [Double]? = nil) -> Double {
                let list = values?.sorted() ?? sorted
                return list[min(list.count - 1, Int((q * Double(list.count - 1)).rounded()))]
            }
            let report: [String: Any] = [
                "frames": clip.count, "width": 640, "height": 480, "faces_in_clip": mjpeg == nil ? faces : -1,
                "detector": detector, "mode": mode, "blas_threads": 1,
                "median_ms": quantile(0.5), "p90_ms": quantile(0.9), "max_ms": sorted.last ?? 0,
                "decode_median_ms": quantile(0.5, decodeSamples),
                "pipeline_median_ms": quantile(0.5, zip(samples, decodeSamples).map { $0 - $1 }),
                "fps": Double(clip.count) / totalSeconds,
                "faces_detected_per_frame": Double(snapshot[.faces, camera: "bench"]) / Double(clip.count),
                "tracks": snapshot[.tracksStarted, camera: "bench"], "crops_queued": snapshot[.cropsQueued],
                "local_decisions": snapshot[.localDecisions], "embedding_failures": snapshot[.embeddingFailures],
                "crop_failures": snapshot[.cropFailures], "rss_mb": AgentBenchClip.residentMegabytes(peak: false),
                "peak_rss_mb": AgentBenchClip.residentMegabytes(peak: true),
            ]
            let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}

/// The benchmark's clip: demo photos tiled on a 640×480 canvas, drifting a few pixels per frame.
enum AgentBenchClip {
    static let width = 640, height = 480

    static func generate(faces: Int, frames: Int) throws -> [[UInt8]] {
        let store = try ModelStore.standard()
        let photos = try ["demo-obama", "demo-biden", "demo-obama2"].prefix(faces).map { id in
            try Image.load(contentsOf: try store.url(for: id).path).converted(to: .rgb)
        }
        // Each photo scaled to fit a tile of the canvas width / faces, leaving room to drift.
        let tileWidth = width / faces - 24
        let tiles = try photos.map { photo in
            let scale = min(Double(tileWidth) / Double(photo.width), Double(height - 48) / Double(photo.height))
            return try photo.resized(width: max(16, Int(Double(photo.width) * scale)),
                                     height: max(16, Int(Double(photo.height) * scale)))
        }
        let encoder = try JPEGEncoder()
        return try (0..<frames).map { index in
            var canvas = try Image(width: width, height: height, format: .rgb,
                                   pixels: [UInt8](repeating: 96, count: width * height * 3))
            for (slot, tile) in tiles.enumerated() {
                let phase = Double(index) / 20 + Double(slot)
                let x = slot * (width / faces) + 12 + Int(10 * sin(phase))
                let y = (height - tile.height) / 2 + Int(12 * cos(phase * 0.7))
                paste(tile, into: &canvas, x: x, y: y)
            }
            return try encoder.encode(canvas, quality: 85)
        }
    }

    static func paste(_ tile: Image, into canvas: inout Image, x: Int, y: Int) {
        let canvasWidth = canvas.width, canvasHeight = canvas.height
        canvas.withUnsafeMutablePixels { dst in
            for row in 0..<tile.height where (0..<canvasHeight).contains(y + row) {
                for column in 0..<tile.width where (0..<canvasWidth).contains(x + column) {
                    let s = (row * tile.width + column) * 3, d = ((y + row) * canvasWidth + x + column) * 3
                    dst[d] = tile.pixels[s]
                    dst[d + 1] = tile.pixels[s + 1]
                    dst[d + 2] = tile.pixels[s + 2]
                }
            }
        }
    }

    /// edge-match / privacy: the dlib embedder and a matcher over a gallery enrolling the demo-obama2 face.
    static func localRecognition(folder: String) throws -> (embedder: DlibFaceEmbedder, matcher: EdgeMatcher) {
        let store = try ModelStore.standard()
        let embedder = DlibFaceEmbedder(models: try DlibModels(network: try store.url(for: "dlib-resnet"),
                                                               shapePredictor: try store.url(for: "dlib-shape-5")))
        let photo = try Image.load(contentsOf: try store.url(for: "demo-obama2").path, options: DecodeOptions(format: .rgb))
        let detector = try BlazeFaceDetector(model: .short, modelURL: try store.url(for: "blazeface-short"))
        guard let face = detector.detect(photo).first else { throw ValidationError("no face in demo-obama2") }
        var gallery = try Gallery(modelID: embedder.modelID, dimension: embedder.dimension,
                                  policy: .defaults(for: .dlib))
        try gallery.enroll(workerID: 1, embeddings: [try embedder.embedding(of: photo, face: face)])
        let cache = try GalleryCache(folder: folder, verifier: UnsignedSnapshot(modelID: embedder.modelID),
                                     builder: RecognitionGalleryBuilder(modelID: embedder.modelID))
        guard case .applied = cache.apply(Data(gallery.snapshot())) else { throw ValidationError("bench gallery refused") }
        return (embedder, EdgeMatcher(cache: cache))
    }

    /// The benchmark's gallery arrives unsigned (signatures are checked once per gallery, not per frame).
    struct UnsignedSnapshot: GalleryMessageVerifying {
        let modelID: String
        func verify(_ message: Data) throws(GalleryMessageError) -> VerifiedGalleryMessage {
            VerifiedGalleryMessage(version: 1, baseVersion: nil, modelID: modelID, body: message)
        }
    }

    /// Splits a file of concatenated JPEGs at each SOI marker that follows an EOI (simple clips only).
    static func split(_ data: Data) throws -> [[UInt8]] {
        let bytes = [UInt8](data)
        var frames: [[UInt8]] = []
        var start: Int?
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0xFF, bytes[i + 1] == 0xD8, start == nil { start = i }
            if bytes[i] == 0xFF, bytes[i + 1] == 0xD9, let s = start {
                frames.append(Array(bytes[s...(i + 1)]))
                start = nil
            }
            i += 1
        }
        guard !frames.isEmpty else { throw ValidationError("no JPEG frames in the MJPEG file") }
        return frames
    }

    static func frame(_ jpeg: [UInt8], at seconds: Double) throws -> CapturedFrame {
        let image = try jpeg.withUnsafeBytes { try Image.decode(bytes: $0, options: DecodeOptions(format: .rgb)) }
        return CapturedFrame(image: image, time: Date(), monotonicSeconds: seconds)
    }

    /// Resident set size (or its peak) in MiB, from /proc/self/status.
    static func residentMegabytes(peak: Bool) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        let key = peak ? "VmHWM:" : "VmRSS:"
        for line in status.split(separator: "\n") where line.hasPrefix(key) {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
            return kilobytes / 1024
        }
        return -1
    }
}
