import ArgumentParser
import Foundation
import Imaging

extension BenchCommand {
    /// `rollcall bench imaging`: per-frame cost of the imaging steps of the agent's and the cloud's pipelines
    /// on a 640×480 frame. `median_ms`/`p90_ms` are the JPEG decode; every step has its own `<step>_median_ms`.
    struct ImagingSteps: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "imaging",
            abstract: "Time JPEG decode/encode, YUYV conversion, resizes and the affine warp on a 640×480 frame.")

        @Option(help: "A JPEG to use instead of the built-in synthetic 640×480 frame (resized to 640×480).")
        var image: String?

        @Option(help: "Timed repetitions per step.")
        var iterations = 200

        func validate() throws {
            guard (5 ... 100_000).contains(iterations) else { throw ValidationError("--iterations must be 5…100000") }
        }

        func run() throws {
            let frame = try image.map { try Image.load(contentsOf: $0, options: DecodeOptions(format: .rgb))
                .resized(width: 640, height: 480, method: .area) } ?? Self.syntheticFrame()
            let jpeg = try frame.jpegData(quality: 90)
            let yuyv = try frame.yuyvData()
            let decoder = try JPEGDecoder()
            let encoder = try JPEGEncoder()
            let face48 = try frame.converted(to: .gray).resized(width: 48, height: 48, method: .area)
            let chip = AffineTransform(a: 1.4, b: 0.2, c: 200, d: -0.2, e: 1.4, f: 100)

            var steps: [(String, () throws -> Void)] = []
            steps.append(("jpeg_decode", { _ = try jpeg.withUnsafeBytes { try decoder.decode($0) } }))
            steps.append(("jpeg_decode_gray", { _ = try jpeg.withUnsafeBytes { try decoder.decode($0, options: DecodeOptions(format: .gray)) } }))
            steps.append(("yuyv_to_rgb", { _ = try yuyv.withUnsafeBytes { try Image.fromYUYV($0, width: 640, height: 480) } }))
            steps.append(("resize_bilinear_128", { _ = try frame.resized(width: 128, height: 128) }))
            steps.append(("resize_opencv_48_to_64", { _ = try face48.resized(width: 64, height: 64, method: .bilinearOpenCV) }))
            steps.append(("warp_chip_150", { _ = try frame.warped(chip, width: 150, height: 150, border: .strict(0), rounding: .truncate) }))
            steps.append(("crop_encode_200", { _ = try encoder.encode(try frame.cropped(x: 220, y: 140, width: 200, height: 200), quality: 85) }))
            steps.append(("rgb_to_gray", { _ = frame.converted(to: .gray) }))
            steps.append(("to_floats_planar", { _ = try frame.floats(layout: .planar, scale: [2 / 255], offset: [-1]) }))

            var result: [String: Any] = ["width": 640, "height": 480, "iterations": iterations, "jpeg_bytes": jpeg.count]
            for (name, body) in steps {
                for _ in 0 ..< 3 { try body() } // warm-up
                var samples: [Double] = []
                for _ in 0 ..< iterations { samples.append(try BenchTiming.milliseconds(body)) }
                result["\(name)_median_ms"] = BenchTiming.quantile(samples, 0.5)
                result["\(name)_p90_ms"] = BenchTiming.quantile(samples, 0.9)
                if name == "jpeg_decode" {
                    result["median_ms"] = BenchTiming.quantile(samples, 0.5)
                    result["p90_ms"] = BenchTiming.quantile(samples, 0.9)
                }
            }
            try BenchTiming.printJSON(result)
        }

        /// A 640×480 frame with smooth gradients and some texture, so JPEG sizes are camera-like.
        static func syntheticFrame() throws -> Image {
            try Image(width: 640, height: 480, format: .rgb) { out in
                var state: UInt32 = 12345
                for y in 0 ..< 480 {
                    for x in 0 ..< 640 {
                        state = state &* 1_664_525 &+ 1_013_904_223
                        let noise = Int(state >> 28)
                        let i = (y * 640 + x) * 3
                        out[i] = UInt8((x * 255 / 639 + noise) & 255)
                        out[i + 1] = UInt8((y * 255 / 479 + noise) & 255)
                        out[i + 2] = UInt8(((x + y) / 5 + noise) & 255)
                    }
                }
            }
        }
    }
}
