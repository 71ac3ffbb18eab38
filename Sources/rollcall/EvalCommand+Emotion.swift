import ArgumentParser
import Emotion
import Evaluation
import Foundation
import Imaging
import ModelSupply
import Neural

extension EvalCommand {
    /// `rollcall eval emotion --root DIR [--method xception|centroid]`.
    struct Emotion: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "emotion",
            abstract: "Emotion accuracy on folder-per-class images (FER-2013 class names and synonyms).",
            discussion: """
                Prints {"accuracy", "per_class_recall", "confusion", "skipped", …}; confusion rows are true classes, \
                columns predicted, in fer's order (angry, disgust, fear, happy, sad, surprise, neutral). Each image \
                is taken as an already-cropped face. The centroid method leaves out the images its centroids were \
                built from.
                """)

        enum Method: String, ExpressibleByArgument, CaseIterable {
            case xception
            case centroid
        }

        @Option(help: "Dataset root: one folder per class.")
        var root: String

        @Option(help: "xception (fer's mini-Xception) or centroid (VGG16 features → nearest emotion centroid).")
        var method: Method = .xception

        @Option(help: "Centroid file from `rollcall emotion centroids` (centroid method).")
        var centroids: String?

        @Option(help: "Keras .h5 VGG16 weights for the centroid method (must be those the centroids were built with).")
        var vgg16Weights: String?

        @Option(help: "Score at most this many images per class (the first by name).")
        var limitPerClass: Int?

        @Option(help: "OpenBLAS threads.")
        var threads = 1

        func validate() throws {
            if method == .centroid, centroids == nil { throw ValidationError("--method centroid needs --centroids FILE") }
            if let limitPerClass, limitPerClass < 1 { throw ValidationError("--limit-per-class must be ≥ 1") }
        }

        func run() throws {
            BLAS.setThreads(threads)
            let dataset = try EmotionDataset(root: root, limitPerClass: limitPerClass)
            var evaluation = EmotionEvaluation(skipped: dataset.skipped)
            let classify: (Image) throws -> EmotionLabel
            var excluded = Set<String>()
            switch method {
            case .xception:
                let classifier = try EmotionClassifier(modelPath: try ModelStore.standard().url(for: "fer-mini-xception").path)
                classify = { try classifier.classify(face: $0).top }
            case .centroid:
                let table = try EmotionCentroids(contentsOf: centroids ?? "")
                let features = try EmotionFeatures(weightsPath: vgg16Weights, preprocessing: .imagenetCaffe)
                guard table.feature == EmotionFeatures.feature, table.weights == features.weightsName else {
                    throw ValidationError("centroids were built from \(table.feature) with \(table.weights); this run uses "
                                          + "\(EmotionFeatures.feature) with \(features.weightsName)")
                }
                excluded = Set(table.images)
                classify = { try table.classify(try features.vector(for: $0)) }
            }
            var left = 0
            for sample in dataset.samples {
                if excluded.contains(sample.relativePath) {
                    left += 1
                    continue
                }
                do {
                    let image = try Image.load(contentsOf: sample.path)
                    evaluation.record(truth: sample.label, predicted: try classify(image))
                } catch {
                    evaluation.recordFailure(path: sample.relativePath, reason: "\(error)")
                }
            }
            var report = evaluation.jsonObject(method: method.rawValue)
            report["left_out_as_centroid_examples"] = left
            try BenchTiming.printJSON(report)
        }
    }
}
