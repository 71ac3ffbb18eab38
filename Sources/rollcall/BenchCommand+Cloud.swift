import ArgumentParser
import Cloud
import FaceDetection
import Foundation
import Imaging
import Logging
import ModelSupply
import MQTT
import PKI
import Wire

/// `rollcall bench cloud`: face crops through the whole cloud path — agent publish → Mosquitto (mutual TLS) →
/// shared subscription → recognition pool (BlazeFace, dlib, mini-Xception) → track fusion → SQLite → result
/// published back — crops/s under a burst, and publish → stored-decision latency at a steady rate.
struct CloudBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloud",
        abstract: "Cloud recognition path over a local broker: crops/s and publish→stored latency (JSON on stdout).")

    @Option(help: "Crops in the burst (throughput).") var crops = 200
    @Option(help: "Crops at a steady rate (latency).") var paced = 100
    @Option(help: "Recognition workers (default: one per core).") var workers = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard crops > 0, paced > 0, workers > 0 else { throw ValidationError("crops, paced and workers must be > 0") }
    }

    func run() async throws {
        let bench = try BenchBroker(name: "cloud")
        defer { bench.stop() }
        let folder = bench.folder
        func client(_ identity: String, _ id: String) throws -> MQTTClient { try bench.client(identity, id) }

        var config = CloudConfig()
        config.storage.database = folder.appendingPathComponent("cloud/db.sqlite").path
        config.storage.cropsDirectory = folder.appendingPathComponent("cloud/crops").path
        config.storage.photosDirectory = folder.appendingPathComponent("cloud/photos").path
        config.recognition.workers = workers
        config.sites = [.init(id: "bench", name: "Bench", emotion: true)]
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let models = try ModelStore.standard()
        let cloudClient = try client("cloud/bench", "bench-cloud")
        let aggregator = Aggregator(config: config, store: try SQLiteStore(path: config.storage.database),
                                    recognizer: try DlibFaceRecognizer(models: models, slots: workers),
                                    fleet: MQTTFleet(client: cloudClient), signer: GallerySigner(),
                                    metrics: CloudMetrics(), logger: logger)
        try await aggregator.load()
        let ingest = Task { try await IngestService(client: cloudClient, aggregator: aggregator, logger: logger).run() }
        defer { ingest.cancel() }

        let agent = try client("agents/bench/a1", "bench-agent")
        try await agent.connect()
        let results = try await agent.subscribe(to: Topic.results(site: "bench").name)
        try await agent.publish(try Availability(online: true, agentVersion: "bench").encoded(),
                                to: Topic.availability(site: "bench", agent: "a1").name, retain: true)
        while try await aggregator.store.agent(id: "a1") == nil { try await Task.sleep(nanoseconds: 20_000_000) }

        let worker = try await aggregator.createWorker(name: "Obama", actor: "bench")
        _ = try await aggregator.enroll(workerID: worker.id ?? 0, photo: try [UInt8](Self.demo(models, "obama")), actor: "bench")
        let samples = try Self.crops(models: models)

        let clock = MQTTBench.Clock(crops + paced)
        let consumer = Task {
            for await message in results {
                guard let result = try? Wire.RecognitionResult(decoding: message.payload),
                      Int(result.trackID) < crops + paced else { continue }
                if clock.markReceived(Int(result.trackID)) == crops + paced { break }
            }
        }
        let topic = Topic.faces(site: "bench", agent: "a1", camera: "cam1").name
        func payload(_ index: Int) throws -> Data {
            try FaceCrop(camera: "cam1", trackID: UInt64(index), frameTime: Date(), frameWidth: 640, frameHeight: 480,
                         box: .init(x: 0, y: 0, width: 160, height: 160), keypoints: [], detectionScore: 0.9,
                         quality: 0.8, content: .jpeg(samples[index % samples.count])).encoded()
        }

        // Burst: everything at once; throughput is crops over the time to the last result.
        let start = MQTTBench.Clock.now()
        for index in 0..<crops {
            clock.markSent(index)
            try await agent.publish(try payload(index), to: topic)
        }
        while clock.count < crops { try await Task.sleep(nanoseconds: 5_000_000) }
        let burstSeconds = Double(MQTTBench.Clock.now() - start) / 1e9
        let cropsPerSecond = Double(crops) / burstSeconds

        // Steady rate at half the throughput: latency from publish to the stored, published decision.
        let interval = 1.0 / max(0.5, cropsPerSecond * 0.5)
        for index in crops..<(crops + paced) {
            clock.markSent(index)
            try await agent.publish(try payload(index), to: topic)
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
        let deadline = Date().addingTimeInterval(120)
        while clock.count < crops + paced, Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
        consumer.cancel()
        let (sent, received) = clock.snapshot()
        let latencies = (crops..<(crops + paced)).compactMap { index -> Double? in
            received[index] > 0 ? Double(received[index] - sent[index]) / 1e6 : nil
        }
        let stored = try await aggregator.store.detections(.init(), limit: 1, cursor: nil).items.first?.id ?? 0
        await agent.disconnect()
        try BenchTiming.printJSON([
            "benchmark": "cloud",
            "path": "agent publish → mosquitto (mTLS) → shared subscription → BlazeFace + dlib ResNet + mini-Xception → fusion → SQLite → result published",
            "workers": workers,
            "crops": crops,
            "crops_per_s": cropsPerSecond,
            "paced_crops": paced,
            "paced_rate_per_s": 1 / interval,
            "median_ms": BenchTiming.quantile(latencies, 0.5),
            "p50_ms": BenchTiming.quantile(latencies, 0.5),
            "p90_ms": BenchTiming.quantile(latencies, 0.9),
            "p99_ms": BenchTiming.quantile(latencies, 0.99),
            "lost": crops + paced - clock.count,
            "stored": stored,
            "crop_bytes": samples.map(\.count),
        ])
    }

    static func demo(_ models: ModelStore, _ name: String) throws -> Data {
        try Data(contentsOf: try models.url(for: "demo-\(name)"))
    }

    /// Agent-like crops (the face box widened 1.6×, JPEG quality 90) of the demo photos.
    static func crops(models: ModelStore) throws -> [Data] {
        let detector = try BlazeFaceDetector(model: .short, modelURL: try models.url(for: "blazeface-short"))
        let encoder = try JPEGEncoder()
        var crops: [Data] = []
        for name in ["obama2", "obama3", "biden"] {
            let image = try Image.decode(try demo(models, name), options: DecodeOptions(format: .rgb, maxPixels: 1024 * 1024))
            guard let face = detector.detect(image).first else { continue }
            let side = max(face.box.width, face.box.height) * 1.6
            let box = Rect(x: face.box.center.x - side / 2, y: face.box.center.y - side / 2, width: side, height: side)
            crops.append(Data(try encoder.encode(try image.cropped(covering: box), quality: 90)))
        }
        guard !crops.isEmpty else { throw ValidationError("no face found in the demo photos") }
        return crops
    }
}
