import ArgumentParser
import Emotion
import Foundation
import Imaging
import ModelSupply
import Neural

extension BenchCommand {
    /// `rollcall bench emotion`: time per face of fer's mini-Xception, preprocessing included.
    struct Emotion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time emotion estimation per face (gray → 64×64 → mini-Xception), one thread by default.")

        @Option(help: "A face image (default: a synthetic 48×48 gray face-like gradient).")
        var face: String?

        @Option(help: "OpenBLAS threads.")
        var threads = 1

        @Option(help: "Timed runs (after 20 warm-up runs).")
        var runs = 500

        @Flag(help: "Also report the median time of each kernel call.")
        var profile = false

        func validate() throws {
            guard runs >= 1, runs <= 1_000_000 else { throw ValidationError("--runs must be 1…1000000") }
        }

        func run() throws {
            BLAS.setThreads(threads)
            let classifier = try EmotionClassifier(modelPath: try ModelStore.standard().url(for: "fer-mini-xception").path)
            let image = try face.map { try Image.load(contentsOf: $0) } ?? Self.syntheticFace()
            for _ in 0 ..< 20 { _ = try classifier.classify(face: image) }
            var samples: [Double] = []
            samples.reserveCapacity(runs)
            var last: EmotionEstimate?
            for _ in 0 ..< runs {
                samples.append(try BenchTiming.milliseconds { last = try classifier.classify(face: image) })
            }
            var profileReport: [[String: Any]] = []
            if profile {
                let input = try EmotionClassifier.networkInput(gray: image.converted(to: .gray))
                var perOp: [[UInt64]] = []
                for _ in 0 ..< runs {
                    let timings = classifier.network.profile(input: input)
                    if perOp.isEmpty { perOp = timings.map { _ in [] } }
                    for (index, timing) in timings.enumerated() { perOp[index].append(timing.nanoseconds) }
                }
                let names = classifier.network.profile(input: input).map(\.name)
                for (index, name) in names.enumerated() {
                    profileReport.append(["op": name, "median_us": BenchTiming.quantile(perOp[index].map { Double($0) / 1000 }, 0.5)])
                }
            }
            try BenchTiming.printJSON([
                "profile": profileReport,
                "model": "fer-mini-xception", "threads": threads, "runs": runs,
                "face": face ?? "synthetic 48x48", "face_size": [image.width, image.height],
                "median_ms": BenchTiming.quantile(samples, 0.5), "p90_ms": BenchTiming.quantile(samples, 0.9),
                "min_ms": samples.min() ?? .nan, "top": last?.top.name ?? "",
            ])
        }

        /// A 48×48 gray pattern with structure (so it is not refused as blank).
        static func syntheticFace() throws -> Image {
            var pixels = [UInt8](repeating: 0, count: 48 * 48)
            for y in 0 ..< 48 { for x in 0 ..< 48 { pixels[y * 48 + x] = UInt8((x * 5 + y * 3 + (x * y) % 17) % 256) } }
            return try Image(width: 48, height: 48, format: .gray, pixels: pixels)
        }
    }
}
