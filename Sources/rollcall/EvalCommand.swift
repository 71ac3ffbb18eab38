import ArgumentParser
import Evaluation
import FaceDetection
import FaceRecognition
import Foundation
import ModelSupply
import Neural

/// `rollcall eval …`: accuracy of the identity (and emotion) models on labelled photo sets; JSON on stdout.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure identity and emotion accuracy on labelled photos (JSON on stdout).",
        subcommands: [LFW.self, Identify.self, Emotion.self, Cluster.self, Negatives.self, Video.self, SyntheticClip.self,
                      Quality.self]
    )

    /// Options shared by the identity evaluations.
    struct IdentityOptions: ParsableArguments {
        @Option(help: "Embedding backbone: dlib or vgg16.")
        var backbone: Backbone = .dlib

        @Option(help: "Worker threads, each with its own model instance (default: one per core).")
        var workers: Int = ProcessInfo.processInfo.activeProcessorCount

        @Option(help: "Box refinements of the dlib alignment (0 = BlazeFace box mapped once).")
        var refinements: Int = DlibFaceAligner.Options().refinements

        @Flag(inversion: .prefixedNo,
              help: "Average each face's dlib embedding with its mirror image's (two forward passes; default on).")
        var mirror = true

        @Flag(name: .customLong("hog-lattice"), inversion: .prefixedNo,
              help: "Snap the dlib alignment box onto the boxes dlib's HOG detector can report (dlib-parity mode; default off).")
        var hogLattice = false

        @Option(name: .customLong("vgg16-weights"),
                help: "VGG16 weights: a Keras .h5 file (keras.applications ImageNet or DeepFace's VGG-Face; see docs/models.md).")
        var vgg16Weights: String?

        @Flag(name: .customLong("vgg16-hash-weights"),
              help: "Use the hash-generated VGG16 weights of ../shared/refs (checks the path end to end; accuracy is chance).")
        var vgg16HashWeights = false

        @Option(name: .customLong("vgg16-preprocessing"),
                help: "Input normalisation the VGG16 weights expect: imagenet or vgg-face (default: imagenet).")
        var vgg16Preprocessing: VGG16Preprocessing = .imagenetCaffe

        @Option(name: .customLong("vgg16-feature"), help: "VGG16 embedding: head (the design's) or fc7.")
        var vgg16Feature: VGG16FaceEmbedder.Feature = .head

        func validate() throws {
            guard workers >= 1, workers <= 256 else { throw ValidationError("--workers must be 1…256") }
            guard refinements >= 0, refinements <= 10 else { throw ValidationError("--refinements must be 0…10") }
            if backbone == .vgg16 {
                guard (vgg16Weights != nil) != vgg16HashWeights else {
                    throw ValidationError("--backbone vgg16 needs exactly one of --vgg16-weights FILE.h5 (see docs/models.md for where to get it) or --vgg16-hash-weights")
                }
            }
        }

        /// A factory of per-thread pipelines (models loaded once, shared).
        func pipelineFactory() throws -> @Sendable () throws -> IdentityPipeline {
            let store = try ModelStore.standard()
            let detectorURL = try store.url(for: BlazeFaceModel.short.modelID)
            switch backbone {
            case .dlib:
                let models = try DlibModels(network: store.url(for: "dlib-resnet"),
                                            shapePredictor: store.url(for: "dlib-shape-5"),
                                            options: DlibFaceAligner.Options(refinements: refinements, snapsToHOGLattice: hogLattice))
                return {
                    IdentityPipeline(detector: try BlazeFaceDetector(model: .short, modelURL: detectorURL),
                                     embedder: DlibFaceEmbedder(models: models, mirrorAverage: mirror))
                }
            case .vgg16:
                // Loaded once (~530 MB); each worker's network shares the arrays and owns its activations.
                let weights = try vgg16Weights.map { try VGG16Weights(kerasFile: $0) } ?? VGG16Weights.hashReference()
                let preprocessing = vgg16Preprocessing, feature = vgg16Feature
                return {
                    IdentityPipeline(detector: try BlazeFaceDetector(model: .short, modelURL: detectorURL),
                                     embedder: VGG16FaceEmbedder(network: VGG16(weights: weights),
                                                                 preprocessing: preprocessing, feature: feature))
                }
            }
        }
    }

    struct LFW: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lfw",
            abstract: "LFW View-2 verification: 10 folds, each fold's threshold chosen on the other nine.")

        @Option(help: "LFW root (with images/<Name>/<Name>_NNNN.jpg).")
        var root: String

        @Option(help: "Pairs file (default: <root>/pairs.txt).")
        var pairs: String?

        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let started = Date()
            let pairsPath = pairs ?? (root as NSString).appendingPathComponent("pairs.txt")
            let text: String
            do { text = try String(contentsOfFile: pairsPath, encoding: .utf8) } catch {
                throw ValidationError("cannot read pairs file \(pairsPath): \(error.localizedDescription)")
            }
            let lfw = try LFWPairs(text: text)
            let images = Array(Set(lfw.pairs.flatMap { [$0.first, $0.second] })).sorted()
            let index = Dictionary(uniqueKeysWithValues: images.enumerated().map { ($1, $0) })
            if identity.workers > 1 { BLAS.setThreads(1) }
            let factory = try identity.pipelineFactory()
            let rootPath = root
            let outcomes = try parallelMap(count: images.count, workers: identity.workers, makeState: factory) { pipeline, i in
                pipeline.run(path: (rootPath as NSString).appendingPathComponent(images[i]), choice: .mostCentral,
                             fallbackToCentre: true)
            }
            var embeddings = [[Float]?](repeating: nil, count: images.count)
            var noFace = 0, unreadable = [String]()
            for (i, outcome) in outcomes.enumerated() {
                switch outcome {
                case .embedded(let e)?: embeddings[i] = e
                case .noFace(let fallback)?:
                    noFace += 1
                    embeddings[i] = fallback
                case .unreadable(let why)?: unreadable.append("\(images[i]): \(why)")
                case nil: unreadable.append("\(images[i]): not processed")
                }
            }
            // A pair with a missing embedding counts as predicted "different" (distance +∞).
            let distances = lfw.pairs.map { pair -> Double in
                guard let a = index[pair.first].flatMap({ embeddings[$0] }),
                      let b = index[pair.second].flatMap({ embeddings[$0] }) else { return .infinity }
                return Double(euclideanDistance(a, b))
            }
            let same = lfw.pairs.map(\.same)
            let result = VerificationProtocol.evaluate(distances: distances, same: same, folds: lfw.folds)
            // dlib's customary 0.6 for its ResNet (what its LFW figure used); the configured default otherwise.
            let defaultThreshold = identity.backbone == .dlib ? 0.6 : Double(MatchPolicy.defaults(for: identity.backbone).threshold)
            let report: [String: Any] = [
                "backbone": identity.backbone.rawValue,
                "accuracy_mean": result.mean,
                "accuracy_std": result.standardDeviation,
                "accuracy_at_default_threshold": VerificationProtocol.accuracy(distances: distances, same: same,
                                                                                threshold: defaultThreshold),
                "default_threshold": defaultThreshold,
                "fold_accuracies": result.foldAccuracies,
                "fold_thresholds": result.foldThresholds,
                "no_face": noFace,
                "unreadable": unreadable.count,
                "images": images.count,
                "pairs": lfw.pairs.count,
                "seconds": Date().timeIntervalSince(started),
            ]
            for line in unreadable.prefix(10) { FileHandle.standardError.write(Data("unreadable: \(line)\n".utf8)) }
            try printJSON(report)
        }
    }
}

extension EvalCommand {
    struct Identify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "identify",
            abstract: "Open-set identification: even-index people enrolled with their first K images, odd-index people are strangers.",
            discussion: """
                Every probe is decided with the gallery's match policy (MatchPolicy.decide, as the cloud and \
                edge-matching agents decide): "tpir"/"fpir" at the policy; "tpir_at_fpir_1pct" sweeping the \
                policy's score (threshold and ratio tests together); "by_distance" the same figures for the \
                nearest distance alone.
                """)

        @Option(help: "Folder of people, one subfolder of photos per person (not needed with --embeddings).")
        var root: String?

        @Option(help: "Enrollment images per enrolled person.")
        var enroll: Int = 5

        @Option(help: "Match threshold (default: the backbone's calibrated default).")
        var threshold: Float?

        @Option(help: "Match ratio: nearest distance below this fraction of the second-nearest (default: the backbone's; 1 = off).")
        var ratio: Float?

        @Option(help: "Match margin: second-nearest at least this much farther (default: the backbone's).")
        var margin: Float?

        @Option(name: .customLong("dump-embeddings"),
                help: "Also write every image's embedding to this file (tab-separated: person index, person, path, comma-separated values; empty when no face), for offline study of decision rules.")
        var dumpEmbeddings: String?

        @Option(help: "Read the embeddings from a --dump-embeddings file instead of embedding the photos.")
        var embeddings: String?

        @OptionGroup var identity: IdentityOptions

        func validate() throws {
            guard enroll >= 1, enroll <= 1000 else { throw ValidationError("--enroll must be 1…1000") }
            guard (root != nil) != (embeddings != nil) else { throw ValidationError("give exactly one of --root or --embeddings") }
        }

        /// The policy asked for: the backbone's defaults with any of --threshold, --ratio, --margin.
        var policy: MatchPolicy {
            var policy = MatchPolicy.defaults(for: identity.backbone)
            if let threshold { policy.threshold = threshold }
            if let ratio { policy.ratio = ratio }
            if let margin { policy.margin = margin }
            return policy
        }

        func run() throws {
            let started = Date()
            let persons: [IdentificationProtocol.Person], unreadable: Int
            if let embeddings {
                persons = try EmbeddingDump.read(embeddings)
                unreadable = 0
            } else {
                (persons, unreadable) = try embed(root: root ?? "")
            }
            let dimension = persons.lazy.flatMap(\.embeddings).compactMap { $0 }.first?.count ?? 128
            let policy = self.policy
            let result = try IdentificationProtocol.evaluate(people: persons, enroll: enroll, modelID: identity.backbone.modelID,
                                                             dimension: dimension, policy: policy)
            let atThreshold = result.rates(threshold: policy.threshold)
            let at06 = result.rates(threshold: 0.6)
            try printJSON([
                "backbone": identity.backbone.rawValue,
                "people": persons.count,
                "enrolled": result.enrolled,
                "K": enroll,
                "known_probes": result.knownProbes,
                "stranger_probes": result.strangerProbes,
                "closed_set_top1": result.closedSetTop1,
                "threshold": Double(policy.threshold),
                "ratio": Double(policy.ratio),
                "margin": Double(policy.margin),
                "tpir": result.tpir,
                "fpir": result.fpir,
                "tpir_at_fpir_1pct": result.tpirAtFPIR1Percent,
                "fpir_1pct_score": result.scoreAtFPIR1Percent,
                "fpir_at_fpir_1pct": result.fpirAtFPIR1Percent,
                "by_distance": [
                    "tpir_at_threshold": atThreshold.tpir, "fpir_at_threshold": atThreshold.fpir,
                    "tpir_at_fpir_1pct": result.tpirAtFPIR1PercentByDistance,
                    "fpir_1pct_threshold": result.thresholdAtFPIR1Percent,
                    "fpir_at_fpir_1pct": result.fpirAtFPIR1PercentByDistance,
                ],
                "at_0.6": ["tpir": at06.tpir, "fpir": at06.fpir],
                "no_face": ["enroll": result.noFaceEnroll, "known_probe": result.noFaceKnownProbe,
                            "stranger_probe": result.noFaceStrangerProbe],
                "unreadable": unreadable,
                "seconds": Date().timeIntervalSince(started),
            ])
        }

        /// Embeds every photo under `root` (people in name order, photos in name order).
        func embed(root: String) throws -> (people: [IdentificationProtocol.Person], unreadable: Int) {
            let fm = FileManager.default
            let rootURL = URL(fileURLWithPath: root)
            let entries: [String]
            do { entries = try fm.contentsOfDirectory(atPath: root) } catch {
                throw ValidationError("cannot list \(root): \(error.localizedDescription)")
            }
            let people = entries.filter { name in
                var isDirectory: ObjCBool = false
                return !name.hasPrefix(".") && fm.fileExists(atPath: rootURL.appendingPathComponent(name).path, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }.sorted()
            var files = [(person: Int, path: String)]()
            for (i, person) in people.enumerated() {
                let folder = rootURL.appendingPathComponent(person)
                let names = ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
                files += names.map { (i, folder.appendingPathComponent($0).path) }
            }
            if identity.workers > 1 { BLAS.setThreads(1) }
            let factory = try identity.pipelineFactory()
            let paths = files.map(\.path)
            let outcomes = try parallelMap(count: paths.count, workers: identity.workers, makeState: factory) { pipeline, i in
                pipeline.run(path: paths[i], choice: .largest)
            }
            var persons = people.map { IdentificationProtocol.Person(name: $0, embeddings: []) }
            var unreadable = 0
            for (file, outcome) in zip(files, outcomes) {
                var embedding: [Float]?
                switch outcome {
                case .embedded(let e)?: embedding = e
                case .noFace?: embedding = nil
                case .unreadable(let why)?:
                    unreadable += 1
                    FileHandle.standardError.write(Data("unreadable: \(file.path): \(why)\n".utf8))
                case nil: unreadable += 1
                }
                persons[file.person].embeddings.append(embedding)
            }
            if let dumpEmbeddings {
                try EmbeddingDump.write(files: files, people: people, outcomes: outcomes, to: dumpEmbeddings)
            }
            return (persons, unreadable)
        }
    }
}

extension Backbone: ExpressibleByArgument {}
extension VGG16Preprocessing: ExpressibleByArgument {}
extension VGG16FaceEmbedder.Feature: ExpressibleByArgument {}

/// Prints a JSON object with sorted keys on one line.
func printJSON(_ object: [String: Any]) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
