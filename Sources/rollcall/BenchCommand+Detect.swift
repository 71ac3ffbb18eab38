import ArgumentParser
import FaceDetection
import Foundation
import Imaging
import ModelSupply
import Neural

extension BenchCommand {
/// `rollcall bench detect`: BlazeFace per-frame time on a 640×480 frame, without and with JPEG decoding.
struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Time BlazeFace on a 640×480 frame (decode excluded, and separately included).",
        discussion: """
            The frame is --image (or the pinned demo photo demo-obama) resized to 640×480. With --threads N, N \
            threads each run their own detector on the same frame; times are per frame per thread. RSS is sampled \
            after warm-up and at the end, so --frames 10000 shows whether memory stays flat.
            """
    )

    @OptionGroup var detector: DetectorOptions

    @Option(help: "Threads, each with its own detector (OpenBLAS itself stays at 1 thread).")
    var threads: Int = 1

    @Option(help: "Image to use (resized to 640×480); default: the pinned demo photo.")
    var image: String?

    @Option(help: "Timed frames per thread for the decode-excluded run.")
    var frames: Int = 2000

    @Option(name: .customLong("decode-frames"), help: "Timed frames per thread for the decode-included run.")
    var decodeFrames: Int = 500

    @Option(help: "Untimed warm-up frames per thread.")
    var warmup: Int = 50

    @Flag(help: "Also print mean milliseconds per kernel kind (to stderr).")
    var profile = false

    func validate() throws {
        guard threads >= 1, threads <= 64 else { throw ValidationError("--threads must be 1…64") }
        guard frames >= 1, decodeFrames >= 0, warmup >= 0 else { throw ValidationError("frame counts must be positive") }
    }

    func run() throws {
        BLAS.setThreads(1)
        let path = try image ?? detector.store.store().url(for: "demo-obama").path
        let source = try Image.load(contentsOf: path)
        let frame = try source.resized(width: 640, height: 480)
        let jpeg = Data(try JPEGEncoder().encode(frame, quality: 90))
        let detectors = try (0..<threads).map { _ in try detector.makeDetector() }
        let files = FaceFileDetection()

        let faces = detectors[0].detect(frame).count
        let macs = detectors[0].multiplyAccumulates
        if profile {
            for (kind, ms) in detectors[0].profile(frame, runs: 200) {
                FileHandle.standardError.write(Data(String(format: "%8.4f ms  %@\n", ms, kind).utf8))
            }
        }
        // Decode excluded.
        let pure = try runThreads(detectors, frames: frames) { d in _ = d.detect(frame) }
        // Decode included (JPEG bytes in memory → faces).
        let decoded = decodeFrames > 0 ? try runThreads(detectors, frames: decodeFrames) { d in
            let (img, _, _) = try files.decode(jpeg)
            _ = d.detect(img)
        } : nil

        var fields: [String: Any] = [
            "bench": "detect", "model": detector.model.rawValue, "threads": threads, "frames": frames * threads,
            "width": 640, "height": 480, "image": path, "faces": faces,
            "median_ms": DetectBenchSupport.round3(pure.median), "p90_ms": DetectBenchSupport.round3(pure.p90),
            "mean_ms": DetectBenchSupport.round3(pure.mean), "min_ms": DetectBenchSupport.round3(pure.min),
            "frames_per_second": DetectBenchSupport.round3(pure.framesPerSecond),
            "rss_start_mib": DetectBenchSupport.round3(pure.rssStart ?? -1), "rss_end_mib": DetectBenchSupport.round3(pure.rssEnd ?? -1),
            "blas_core": BLAS.coreName,
            // The network's convolution work per frame, and the rate the median frame achieved on it (the whole
            // frame's time, so pre- and post-processing lower the figure).
            "network_macs": macs, "gmac_per_s": DetectBenchSupport.round3(Double(macs) / (pure.median * 1e6)),
        ]
        if let decoded {
            fields["decode_included_median_ms"] = DetectBenchSupport.round3(decoded.median)
            fields["decode_included_p90_ms"] = DetectBenchSupport.round3(decoded.p90)
            fields["jpeg_bytes"] = jpeg.count
        }
        try BenchTiming.printJSON(fields)
    }

    struct Result {
        var median, p90, mean, min, framesPerSecond: Double
        var rssStart, rssEnd: Double?
    }

    /// Runs `body` `frames` times on each detector, one thread per detector, after `warmup` untimed calls.
    func runThreads(_ detectors: [BlazeFaceDetector], frames: Int,
                    _ body: @escaping @Sendable (BlazeFaceDetector) throws -> Void) throws -> Result {
        for d in detectors { for _ in 0..<warmup { try body(d) } }
        let rssStart = DetectBenchSupport.residentMiB()
        let times = TimesBox(threads: detectors.count)
        let start = DetectBenchSupport.now()
        DispatchQueue.concurrentPerform(iterations: detectors.count) { t in
            var local = [Double]()
            local.reserveCapacity(frames)
            for _ in 0..<frames {
                let t0 = DetectBenchSupport.now()
                do { try body(detectors[t]) } catch { times.fail(error); return }
                local.append(Double(DetectBenchSupport.now() - t0) / 1e6)
            }
            times.set(t, local)
        }
        let wall = Double(DetectBenchSupport.now() - start) / 1e9
        if let error = times.error { throw error }
        let all = times.all
        return Result(median: BenchTiming.quantile(all, 0.5), p90: BenchTiming.quantile(all, 0.9),
                      mean: all.reduce(0, +) / Double(max(all.count, 1)), min: all.min() ?? .nan,
                      framesPerSecond: Double(all.count) / wall, rssStart: rssStart, rssEnd: DetectBenchSupport.residentMiB())
    }
}

}

/// Per-thread timing results, filled from `concurrentPerform`.
final class TimesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var perThread: [[Double]]
    private(set) var error: Error?

    init(threads: Int) { perThread = Array(repeating: [], count: threads) }

    func set(_ t: Int, _ values: [Double]) { lock.withLock { perThread[t] = values } }
    func fail(_ e: Error) { lock.withLock { error = e } }
    var all: [Double] { lock.withLock { perThread.flatMap { $0 } } }
}

/// Clock, rounding and memory figures for `bench detect`.
enum DetectBenchSupport {
    /// Monotonic clock in nanoseconds.
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Resident set size of this process in MiB (Linux `/proc/self/status` VmRSS), or nil elsewhere.
    static func residentMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return line.split(separator: " ").compactMap { Double($0) }.first.map { $0 / 1024 }
        }
        return nil
    }

    /// Three decimals, for JSON.
    static func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
}
