import ArgumentParser
import Evaluation
import FaceRecognition
import Foundation
import Neural

extension BenchCommand {
    /// `rollcall bench vgg16`: VGG16 forward time on a 224×224 input, and optionally its parity with PyTorch on
    /// the hash-generated reference network.
    struct VGG16Forward: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vgg16",
            abstract: "Time a VGG16 forward pass (224×224, batch 1); with --hash-reference, also check its logits against PyTorch's.")

        @Option(help: "Keras .h5 weights (keras.applications ImageNet or DeepFace VGG-Face); default: the hash-generated network.")
        var weights: String?

        @Option(help: "vgg16-hash-weights.json: compare the hash network's logits with PyTorch's (implies hash weights).")
        var hashReference: String?

        @Option(help: "OpenBLAS threads.")
        var threads = 2

        @Option(help: "Timed runs (after one warm-up).")
        var runs = 5

        func validate() throws {
            guard runs >= 1, runs <= 1000 else { throw ValidationError("--runs must be 1…1000") }
            guard threads >= 1, threads <= 256 else { throw ValidationError("--threads must be 1…256") }
            if weights != nil, hashReference != nil { throw ValidationError("--weights and --hash-reference exclude each other") }
        }

        func run() throws {
            BLAS.setThreads(threads)
            var loadMs = 0.0
            var loaded: VGG16Weights?
            loadMs = try BenchTiming.milliseconds {
                loaded = try weights.map { try VGG16Weights(kerasFile: $0) } ?? VGG16Weights.hashReference()
            }
            // The plan keeps its own copy of the weights: these are released once it is built (holding them
            // too would double the peak memory).
            let network: VGG16
            if let once = loaded {
                loaded = nil
                network = VGG16(weights: once)
            } else {
                throw ValidationError("no weights")
            }
            let input = VGG16Hash.input()
            var output = try network.forward(input)  // warm-up
            var samples: [Double] = []
            for _ in 0 ..< runs {
                samples.append(try BenchTiming.milliseconds { output = try network.forward(input) })
            }
            var report: [String: Any] = [
                "backbone": "vgg16", "threads": threads, "runs": runs, "load_ms": loadMs,
                "median_ms": BenchTiming.quantile(samples, 0.5), "p90_ms": BenchTiming.quantile(samples, 0.9),
                "min_ms": samples.min() ?? .nan, "weights": weights ?? "hash-reference",
                "classes": network.classCount, "fc7_count": output.fc7.count,
                "layer_counts": network.plan.graph.opCounts, "arena_floats": network.plan.arenaFloats,
            ]
            if let hashReference {
                let check = try VGG16HashCheck(referenceFile: hashReference, logits: output.logits)
                report["parity"] = [
                    "max_abs_error": check.maxAbsError, "max_abs_logit": check.maxAbsLogit,
                    "relative_error": check.relativeError, "relative_l2_error": check.relativeL2Error,
                    "argmax": check.argmax, "reference_argmax": check.referenceArgmax,
                ] as [String: Any]
            }
            try BenchTiming.printJSON(report)
        }
    }
}
