import ArgumentParser
import Emotion
import Evaluation
import Foundation
import Imaging
import Neural

/// `rollcall emotion …`: tools for the emotion methods.
struct EmotionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emotion",
        abstract: "Emotion tools (the original design's centroid method).",
        subcommands: [Centroids.self]
    )

    /// `rollcall emotion centroids --root DIR`: one VGG16-feature centroid per emotion class.
    struct Centroids: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build emotion centroids (VGG16 fc7, L2-normalised) from folder-per-class face images.")

        @Option(help: "Labeled examples: one folder per class (FER-2013 names and synonyms).")
        var root: String

        @Option(name: .shortAndLong, help: "Where to write the centroid JSON.")
        var output: String

        @Option(help: "Use at most this many images per class (the first by name).")
        var perClass: Int?

        @Option(help: "Keras .h5 VGG16 weights (keras.applications ImageNet); default: the hash-generated network, whose centroids are meaningless.")
        var vgg16Weights: String?

        @Option(help: "OpenBLAS threads.")
        var threads = 2

        func validate() throws {
            if let perClass, perClass < 1 { throw ValidationError("--per-class must be ≥ 1") }
        }

        func run() throws {
            BLAS.setThreads(threads)
            let dataset = try EmotionDataset(root: root, limitPerClass: perClass)
            let features = try EmotionFeatures(weightsPath: vgg16Weights, preprocessing: .imagenetCaffe)
            var examples: [(label: EmotionLabel, vector: [Float], image: String)] = []
            var failed: [[String: String]] = []
            for sample in dataset.samples {
                do {
                    let image = try Image.load(contentsOf: sample.path)
                    examples.append((sample.label, try features.vector(for: image), sample.relativePath))
                } catch {
                    failed.append(["path": sample.relativePath, "reason": "\(error)"])
                }
            }
            let table = try EmotionCentroids(feature: EmotionFeatures.feature, weights: features.weightsName, examples: examples)
            try table.write(to: output)
            try BenchTiming.printJSON(["output": output, "counts": table.counts, "dimension": table.dimension,
                                       "weights": table.weights, "skipped": dataset.skipped, "failed": failed])
        }
    }
}
