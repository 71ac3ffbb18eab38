import ArgumentParser
import Cloud
import FaceDetection
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Imaging
import Logging
import ModelSupply
import MQTT
import PKI
import Wire

/// `rollcall bench cloud`: face crops through the whole cloud path — agent publish → Mosquitto (mutual TLS) →
/// shared subscription → recognition pool (dlib alignment from the shipped geometry, dlib ResNet with mirror
/// averaging, mini-Xception; no detector on crops) → track fusion
/// and emotion smoothing → SQLite + crop file → result published back to the agent — in four phases:
/// 1. warm-up crops, not measured (first-touch of model memory, OpenBLAS buffers, SQLite pages);
/// 2. `rounds` bursts of `crops` published at once: crops/s of each round = crops / (first publish → last
///    result received); the headline figure is their median;
/// 3. `paced` crops at half that rate: latency from the publish call to the agent receiving the stored
///    decision's result;
/// 4. a reference: the same crops through the recognizer alone, in process (no broker, store or results), with
///    the same number of workers — the ceiling the whole path can reach.
/// Throughput on a shared machine depends on what else runs, so the JSON also carries the load average before
/// and after, and the CPU time each phase used per crop (this process: cloud and agent client; the broker
/// apart): CPU per crop does not depend on the other load the way crops/s does, and `cpu_bound_crops_per_s`
/// (cores × 1000 / CPU ms per crop) is what the same work would reach with both cores to itself.
struct CloudBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloud",
        abstract: "Cloud recognition path over a local broker: crops/s and publish→stored latency (JSON on stdout).")

    @Option(help: "Crops in each measured burst (throughput).") var crops = 120
    @Option(help: "Measured bursts; crops_per_s is their median.") var rounds = 3
    @Option(help: "Crops sent and awaited before measuring.") var warmup = 10
    @Option(help: "Crops at a steady rate (latency).") var paced = 40
    @Option(help: "Recognition workers (default: one per core).") var workers = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "OpenBLAS threads (default: cores / workers, as rollcall-cloud does).") var blasThreads: Int?

    func validate() throws {
        guard crops > 0, rounds > 0, warmup >= 0, paced > 0, workers > 0, (blasThreads ?? 1) > 0 else {
            throw ValidationError("crops, rounds, paced, workers and blas-threads must be > 0, warmup >= 0")
        }
    }

    func run() async throws {
        let loadBefore = Self.loadAverage()
        let bench = try BenchBroker(name: "cloud")
        defer { bench.stop() }
        let folder = bench.folder
        func client(_ identity: String, _ id: String) throws -> MQTTClient { try bench.client(identity, id) }

        var config = CloudConfig()
        config.storage.database = folder.appendingPathComponent("cloud/db.sqlite").path
        config.storage.cropsDirectory = folder.appendingPathComponent("cloud/crops").path
        config.storage.photosDirectory = folder.appendingPathComponent("cloud/photos").path
        config.recognition.workers = workers
        config.recognition.blasThreads = blasThreads ?? 0
        config.sites = [.init(id: "bench", name: "Bench", emotion: true)]
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let models = try ModelStore.standard()
        let cloudClient = try client("cloud/bench", "bench-cloud")
        let recognizer = try DlibFaceRecognizer(models: models, slots: workers,
                                                blasThreads: config.recognition.effectiveBLASThreads)
        let aggregator = Aggregator(config: config, store: try SQLiteStore(path: config.storage.database),
                                    recognizer: recognizer, fleet: MQTTFleet(client: cloudClient),
                                    signer: GallerySigner(), metrics: CloudMetrics(), logger: logger)
        try await aggregator.load()
        let ingest = Task { try await IngestService(client: cloudClient, aggregator: aggregator, logger: logger).run() }
        defer { ingest.cancel() }

        let agent = try client("agents/bench/a1", "bench-agent")
        try await agent.connect()
        let results = try await agent.subscribe(to: Topic.results(site: "bench").name)
        try await agent.publish(try Availability(online: true, agentVersion: "bench").encoded(),
                                to: Topic.availability(site: "bench", agent: "a1").name, retain: true)
        while try await aggregator.store.agent(siteID: "bench", id: "a1") == nil { try await Task.sleep(nanoseconds: 20_000_000) }

        let worker = try await aggregator.createWorker(name: "Obama", actor: "bench")
        _ = try await aggregator.enroll(workerID: worker.id ?? 0, photo: try [UInt8](Self.demo(models, "obama")), actor: "bench")
        let samples = try Self.crops(models: models)

        // Every crop has its own index (its track id): warm-up, then the rounds, then the paced crops.
        let total = warmup + rounds * crops + paced
        let clock = MQTTBench.Clock(total)
        let consumer = Task {
            for await message in results {
                guard let result = try? Wire.RecognitionResult(decoding: message.payload),
                      Int(result.trackID) < total else { continue }
                if clock.markReceived(Int(result.trackID)) == total { break }
            }
        }
        let topic = Topic.faces(site: "bench", agent: "a1", camera: "cam1").name
        func publish(_ index: Int) async throws {
            let sample = samples[index % samples.count]
            let payload = try FaceCrop(
                camera: "cam1", trackID: UInt64(index), frameTime: Date(), frameWidth: 640, frameHeight: 480,
                box: sample.face.box, keypoints: sample.face.keypoints, detectionScore: sample.face.score, quality: 0.8,
                content: .jpeg(sample.jpeg, region: sample.region)).encoded()
            clock.markSent(index)
            try await agent.publish(payload, to: topic)
        }
        /// Waits until every crop in `range` has its result (or `timeout` seconds pass); returns the last
        /// arrival time.
        func awaitResults(_ range: Range<Int>, timeout: Double = 120) async throws -> UInt64 {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let received = clock.snapshot().1[range]
                if received.allSatisfy({ $0 > 0 }) { return received.max() ?? 0 }
                try await Task.sleep(nanoseconds: 5_000_000)
            }
            return clock.snapshot().1[range].max() ?? 0
        }

        // 1. Warm-up.
        for index in 0..<warmup { try await publish(index) }
        _ = try await awaitResults(0..<warmup)

        // 2. Bursts: everything at once; a round's throughput is its crops over first publish → last result.
        var roundRates: [Double] = []
        let cpuStart = CPUTime.now()
        let machineStart = CPUTime.machineBusySeconds()
        let wallStart = MQTTBench.Clock.now()
        for round in 0..<rounds {
            let range = (warmup + round * crops)..<(warmup + (round + 1) * crops)
            let start = MQTTBench.Clock.now()
            for index in range { try await publish(index) }
            let end = try await awaitResults(range)
            roundRates.append(Double(crops) / (Double(end - start) / 1e9))
        }
        let cropsPerSecond = BenchTiming.figures(roundRates).median
        let cpu = CPUTime.now() - cpuStart
        let machineBusy = CPUTime.machineBusySeconds() - machineStart
        let burstSeconds = Double(MQTTBench.Clock.now() - wallStart) / 1e9
        let measured = Double(rounds * crops)

        // 3. Steady rate at half the throughput: latency from publish to the stored, published decision.
        let pacedRange = (warmup + rounds * crops)..<total
        let interval = 1.0 / max(0.5, cropsPerSecond * 0.5)
        for index in pacedRange {
            try await publish(index)
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
        _ = try await awaitResults(pacedRange)
        consumer.cancel()
        let (sent, received) = clock.snapshot()
        let latencies = pacedRange.compactMap { index -> Double? in
            received[index] > 0 ? Double(received[index] - sent[index]) / 1e6 : nil
        }
        let lost = received.filter { $0 == 0 }.count
        let stored = try await aggregator.store.detections(.init(), limit: 1, cursor: nil).items.first?.id ?? 0
        await agent.disconnect()
        ingest.cancel()

        // 4. The recognizer alone, same workers and crops, in process.
        let referenceCPUStart = CPUTime.now()
        let reference = try await Self.recognitionOnly(recognizer, samples: samples, crops: crops, workers: workers)
        let referenceCPU = CPUTime.now() - referenceCPUStart
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let pathCPUPerCrop = (cpu.own + cpu.children) * 1000 / measured

        try BenchTiming.printJSON([
            "benchmark": "cloud",
            "path": "agent publish → mosquitto (mTLS) → shared subscription → dlib alignment from the shipped geometry + dlib ResNet (mirror-averaged: 2 forwards) + mini-Xception → fusion + emotion smoothing → SQLite + crop file → result published → agent",
            "measures": "crops_per_s: median over rounds of crops / (first publish → last result received), after warm-up; p*_ms: publish → result received, crops paced at half that rate; recognition_only_crops_per_s: the recognizer alone in process; cpu_ms_per_crop: CPU time of this process (cloud + agent client) over the rounds per crop, broker_cpu_ms_per_crop: the broker's; cpu_bound_crops_per_s: cores × 1000 / (both), the rate with the cores to itself; cpu_used_of_cores: CPU time / (wall time × cores) during the rounds; other_cpu_used_of_cores: the same for every other process on the machine",
            "workers": workers,
            "blas_threads": config.recognition.effectiveBLASThreads,
            "cores": cores,
            "warmup_crops": warmup,
            "crops": crops,
            "rounds": rounds,
            "round_crops_per_s": roundRates,
            "crops_per_s": cropsPerSecond,
            "recognition_only_crops_per_s": reference,
            "cpu_ms_per_crop": cpu.own * 1000 / measured,
            "broker_cpu_ms_per_crop": cpu.children * 1000 / measured,
            "recognition_only_cpu_ms_per_crop": referenceCPU.own * 1000 / Double(crops),
            "cpu_bound_crops_per_s": Double(cores) * 1000 / pathCPUPerCrop,
            "cpu_used_of_cores": (cpu.own + cpu.children) / (burstSeconds * Double(cores)),
            "other_cpu_used_of_cores": max(0, machineBusy - cpu.own - cpu.children) / (burstSeconds * Double(cores)),
            "paced_crops": paced,
            "paced_rate_per_s": 1 / interval,
            "median_ms": BenchTiming.quantile(latencies, 0.5),
            "p50_ms": BenchTiming.quantile(latencies, 0.5),
            "p90_ms": BenchTiming.quantile(latencies, 0.9),
            "p99_ms": BenchTiming.quantile(latencies, 0.99),
            "lost": lost,
            "stored": stored,
            "crop_bytes": samples.map(\.jpeg.count),
            "load_average_before": loadBefore,
            "load_average_after": Self.loadAverage(),
        ])
    }

    /// Crops/s of the recognizer alone: `crops` crops (emotion on) over `workers` concurrent tasks.
    static func recognitionOnly(_ recognizer: DlibFaceRecognizer, samples: [Sample], crops: Int,
                                workers: Int) async throws -> Double {
        let images = try samples.map { try EncodedImage(bytes: [UInt8]($0.jpeg)) }
        let start = MQTTBench.Clock.now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for slot in 0..<workers {
                group.addTask {
                    for index in stride(from: slot, to: crops, by: workers) {
                        _ = try await recognizer.analyzeCrop(images[index % images.count],
                                                             face: samples[index % samples.count].face, emotion: true)
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(crops) / (Double(MQTTBench.Clock.now() - start) / 1e9)
    }

    /// CPU seconds (user + system) used so far by this process and by its running children (the broker).
    struct CPUTime {
        var own: Double
        var children: Double

        static func now() -> CPUTime {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let own = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
            return CPUTime(own: own, children: childProcessSeconds())
        }

        static func - (lhs: CPUTime, rhs: CPUTime) -> CPUTime {
            CPUTime(own: lhs.own - rhs.own, children: lhs.children - rhs.children)
        }

        /// CPU seconds the whole machine has been busy, all cores: `/proc/stat`'s user, nice, system, irq,
        /// softirq and steal (time the hypervisor gave to other guests counts as other load too).
        static func machineBusySeconds() -> Double {
            guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
                  let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return 0 }
            let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            guard ticks.count >= 8 else { return 0 }
            let busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]
            return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
        }

        /// utime + stime of the processes listed in `/proc/self/task/*/children` (0 where unreadable).
        static func childProcessSeconds() -> Double {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            var pids = Set<String>()
            for task in tasks {
                let list = (try? String(contentsOfFile: "/proc/self/task/\(task)/children", encoding: .utf8)) ?? ""
                pids.formUnion(list.split(separator: " ").map(String.init))
            }
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            return pids.reduce(0) { total, pid in
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { return total }
                // Fields after the command: state is field 3, utime 14 and stime 15.
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return total }
                return total + (user + system) / ticks
            }
        }
    }

    /// The 1-, 5- and 15-minute load averages (`/proc/loadavg`), empty where unavailable.
    static func loadAverage() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    static func demo(_ models: ModelStore, _ name: String) throws -> Data {
        try Data(contentsOf: try models.url(for: "demo-\(name)"))
    }

    /// An agent-like crop: the JPEG, the face in its pixels, and the region of the photo it shows.
    struct Sample {
        var jpeg: Data
        var face: DetectedFace
        var region: Rect
    }

    /// Agent-like crops (the face box widened 1.6×, JPEG quality 90) of the demo photos, with the detection
    /// moved into the crop's pixels as an agent ships it.
    static func crops(models: ModelStore) throws -> [Sample] {
        let detector = try BlazeFaceDetector(model: .short, modelURL: try models.url(for: "blazeface-short"))
        let encoder = try JPEGEncoder()
        var crops: [Sample] = []
        for name in ["obama2", "obama3", "biden"] {
            let image = try Image.decode(try demo(models, name), options: DecodeOptions(format: .rgb, maxPixels: 1024 * 1024))
            guard let face = detector.detect(image).first else { continue }
            let side = max(face.box.width, face.box.height) * 1.6
            let box = Rect(x: face.box.center.x - side / 2, y: face.box.center.y - side / 2, width: side, height: side)
            let crop = try image.cropped(covering: box)
            let x = max(0, box.x.rounded(.down)), y = max(0, box.y.rounded(.down))
            let shifted = DetectedFace(score: face.score,
                                       box: Rect(x: face.box.x - x, y: face.box.y - y, width: face.box.width,
                                                 height: face.box.height),
                                       keypoints: face.keypoints.map { Point(x: $0.x - x, y: $0.y - y) })
            crops.append(Sample(jpeg: Data(try encoder.encode(crop, quality: 90)), face: shifted,
                                region: Rect(x: x, y: y, width: Float(crop.width), height: Float(crop.height))))
        }
        guard !crops.isEmpty else { throw ValidationError("no face found in the demo photos") }
        return crops
    }
}
