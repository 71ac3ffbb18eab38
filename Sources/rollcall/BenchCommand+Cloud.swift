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
/// shared subscription → N aggregators (ingest acknowledging after commit) → recognition (dlib alignment from
/// the shipped geometry, dlib ResNet with mirror averaging, mini-Xception; no detector on crops) → the track's
/// shared fusion and emotion state, locked, and the detection in one transaction (SQLite, or PostgreSQL with
/// the crop as a bytea row) → result published back to the agent on the fleet connection — for each store
/// asked for, in four phases:
/// 1. warm-up crops, not measured (first-touch of model memory, OpenBLAS buffers, database pages);
/// 2. `rounds` bursts of `crops` published at once: crops/s of each round = crops / (first publish → last
///    result received); the headline figure is their median. With `--store both` the stores take turns round
///    by round (each with its own broker), so the machine's other load falls on both alike;
/// 3. `paced` crops at half that rate: latency from the publish call to the agent receiving the stored
///    decision's result;
/// 4. a reference: the same crops through the recognizer alone, in process (no broker, store or results), with
///    the same number of workers — the ceiling the whole path can reach.
/// The N aggregators run in this process as N rollcall-cloud processes would (each its own store connection,
/// ingest and fleet connections, live-event relay and gallery publisher; one recognizer with `workers` slots
/// shared between them, so that N does not multiply the recognition threads on the same cores). Throughput on
/// a shared machine depends on what else runs, so the JSON also carries the load average before and after,
/// and the CPU time each phase used per crop — this process (cloud and agent client), the broker, the
/// PostgreSQL server — which does not depend on the other load the way crops/s does; `cpu_bound_crops_per_s`
/// (cores × 1000 / CPU ms per crop) is what the same work would reach with the cores to itself.
struct CloudBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloud",
        abstract: "Cloud recognition path over a local broker: crops/s and publish→stored latency (JSON on stdout).")

    enum StoreChoice: String, ExpressibleByArgument, CaseIterable {
        case sqlite, postgres, both
    }

    @Option(help: "Crops in each measured burst (throughput).") var crops = 120
    @Option(help: "Measured bursts per store; crops_per_s is their median.") var rounds = 3
    @Option(help: "Crops sent and awaited before measuring.") var warmup = 10
    @Option(help: "Crops at a steady rate (latency).") var paced = 40
    @Option(help: "Recognition workers in all (default: one per core), shared by the aggregators.")
    var workers = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "OpenBLAS threads (default: cores / workers, as rollcall-cloud does).") var blasThreads: Int?
    @Option(help: "Aggregators in the share group.") var aggregators = 1
    @Option(help: "Face messages each aggregator's ingest holds per recognition worker (rollcall-cloud's default: 2).")
    var ingestSlotsPerWorker = IngestService.defaultSlotsPerWorker
    @Option(help: "sqlite, postgres, or both (side by side, round by round).") var store: StoreChoice = .sqlite
    @Option(help: "PostgreSQL to use instead of a throwaway server (its database must be empty).") var postgresURL: String?

    func validate() throws {
        guard crops > 0, rounds > 0, warmup >= 0, paced > 0, workers > 0, (blasThreads ?? 1) > 0,
              (1 ... 16).contains(aggregators), (1 ... 16).contains(ingestSlotsPerWorker) else {
            throw ValidationError("crops, rounds, paced, workers and blas-threads must be > 0, warmup >= 0, aggregators and ingest-slots-per-worker 1…16")
        }
    }

    /// What one store's rounds measured.
    struct Measured {
        var rates: [Double] = []
        var own = 0.0, broker = 0.0, database = 0.0
        var seconds = 0.0
        var machine = 0.0
    }

    func run() async throws {
        let loadBefore = CPUTime.loadAverage()
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let models = try ModelStore.standard()
        var config = CloudConfig()
        config.recognition.workers = workers
        config.recognition.blasThreads = blasThreads ?? 0
        let blas = config.recognition.effectiveBLASThreads
        let recognizer = try DlibFaceRecognizer(models: models, slots: workers, blasThreads: blas)
        let samples = try Self.crops(models: models)
        let photo = try [UInt8](Self.demo(models, "obama"))
        let kinds: [CloudBenchPath.StoreKind] = switch store {
        case .sqlite: [.sqlite]
        case .postgres: [.postgres]
        case .both: [.sqlite, .postgres]
        }
        // Every crop has its own index (its track id): warm-up, then the rounds, then the paced crops.
        let total = warmup + rounds * crops + paced
        var paths: [CloudBenchPath] = []
        do {
            for kind in kinds {
                paths.append(try await CloudBenchPath(kind: kind, aggregators: aggregators, workers: workers,
                                                      blasThreads: blas, slotsPerWorker: ingestSlotsPerWorker,
                                                      recognizer: recognizer, enrollment: photo,
                                                      postgresURL: postgresURL, total: total, logger: logger))
            }
            let report = try await measure(paths, samples: samples, total: total)
            for path in paths { await path.stop() }

            // The recognizer alone, same workers and crops, in process.
            let referenceCPUStart = CPUTime.now()
            let reference = try await Self.recognitionOnly(recognizer, samples: samples, crops: crops, workers: workers)
            let referenceCPU = CPUTime.now() - referenceCPUStart
            var json: [String: Any] = [
                "benchmark": "cloud",
                "path": "agent publish → mosquitto (mTLS) → shared subscription → N aggregators (ack after commit) → dlib alignment from the shipped geometry + dlib ResNet (mirror-averaged: 2 forwards) + mini-Xception → track state locked + detection + embedding + live event in one transaction (SQLite + crop file, or PostgreSQL + crop row in it too) → result published on the fleet connection → agent",
                "measures": "crops_per_s: median over rounds of crops / (first publish → last result received), after warm-up; p*_ms: publish → result received, crops paced at half that rate; cpu_ms_per_crop: CPU time of this process (aggregators + agent client) over the rounds per crop, broker_cpu_ms_per_crop: the broker's, database_cpu_ms_per_crop: the PostgreSQL server's (SQLite runs inside this process); cpu_bound_crops_per_s: cores × 1000 / (all three); other_cpu_used_of_cores: CPU time of every other process on the machine / (wall time × cores) during the rounds",
                "aggregators": aggregators,
                "workers": workers,
                "ingest_slots_per_worker": ingestSlotsPerWorker,
                "blas_threads": blas,
                "cores": ProcessInfo.processInfo.activeProcessorCount,
                "warmup_crops": warmup,
                "crops": crops,
                "rounds": rounds,
                "recognition_only_crops_per_s": reference,
                "recognition_only_cpu_ms_per_crop": referenceCPU.own * 1000 / Double(crops),
                "crop_bytes": samples.map(\.jpeg.count),
                "load_average_before": loadBefore,
                "load_average_after": CPUTime.loadAverage(),
            ]
            for (kind, figures) in report { json[kind.rawValue] = figures }
            if let sqlite = report[.sqlite]?["crops_per_s"] as? Double,
               let postgres = report[.postgres]?["crops_per_s"] as? Double, sqlite > 0 {
                json["postgres_over_sqlite_crops_per_s"] = postgres / sqlite
            }
            try BenchTiming.printJSON(json)
        } catch {
            for path in paths { await path.stop() }
            throw error
        }
    }

    /// Warm-up, rounds (stores taking turns) and paced latency for every path; the figures per store.
    func measure(_ paths: [CloudBenchPath], samples: [Sample],
                 total: Int) async throws -> [CloudBenchPath.StoreKind: [String: Any]] {
        for path in paths {
            for index in 0 ..< warmup { try await path.publish(index, crop: samples[index % samples.count]) }
            _ = try await path.awaitResults(0 ..< warmup)
        }
        var measured = [CloudBenchPath.StoreKind: Measured]()
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        for round in 0 ..< rounds {
            for path in paths {
                let range = (warmup + round * crops) ..< (warmup + (round + 1) * crops)
                let cpuStart = CPUTime.now(), databaseStart = path.databaseSeconds
                let machineStart = CPUTime.machineBusySeconds()
                let start = MQTTBench.Clock.now()
                for index in range { try await path.publish(index, crop: samples[index % samples.count]) }
                let end = try await path.awaitResults(range)
                let cpu = CPUTime.now() - cpuStart
                var figures = measured[path.kind] ?? Measured()
                figures.rates.append(Double(crops) / (Double(end - start) / 1e9))
                figures.own += cpu.own
                figures.broker += cpu.children
                figures.database += path.databaseSeconds - databaseStart
                figures.seconds += Double(MQTTBench.Clock.now() - start) / 1e9
                figures.machine += CPUTime.machineBusySeconds() - machineStart
                measured[path.kind] = figures
            }
        }
        var report = [CloudBenchPath.StoreKind: [String: Any]]()
        for path in paths {
            guard let figures = measured[path.kind] else { continue }
            let perCrop = Double(rounds * crops)
            let rate = BenchTiming.figures(figures.rates).median
            // Steady rate at half the throughput: latency from publish to the stored, published decision.
            let pacedRange = (warmup + rounds * crops) ..< total
            let interval = 1.0 / max(0.5, rate * 0.5)
            for index in pacedRange {
                try await path.publish(index, crop: samples[index % samples.count])
                try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
            }
            _ = try await path.awaitResults(pacedRange)
            let (sent, received) = path.clock.snapshot()
            let latencies = pacedRange.compactMap { index -> Double? in
                received[index] > 0 ? Double(received[index] - sent[index]) / 1e6 : nil
            }
            let used = figures.own + figures.broker + figures.database
            let usedPerCrop = used * 1000 / perCrop
            var entry: [String: Any] = [:]
            entry["round_crops_per_s"] = figures.rates
            entry["crops_per_s"] = rate
            entry["cpu_ms_per_crop"] = figures.own * 1000 / perCrop
            entry["broker_cpu_ms_per_crop"] = figures.broker * 1000 / perCrop
            entry["database_cpu_ms_per_crop"] = figures.database * 1000 / perCrop
            entry["total_cpu_ms_per_crop"] = usedPerCrop
            entry["cpu_bound_crops_per_s"] = cores * 1000 / usedPerCrop
            entry["other_cpu_used_of_cores"] = max(0, figures.machine - used) / (figures.seconds * cores)
            entry["paced_crops"] = paced
            entry["paced_rate_per_s"] = 1 / interval
            entry["p50_ms"] = BenchTiming.quantile(latencies, 0.5)
            entry["p90_ms"] = BenchTiming.quantile(latencies, 0.9)
            entry["p99_ms"] = BenchTiming.quantile(latencies, 0.99)
            entry["lost"] = received.filter { $0 == 0 }.count
            entry["stored"] = try await path.storedCount()
            report[path.kind] = entry
        }
        return report
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
