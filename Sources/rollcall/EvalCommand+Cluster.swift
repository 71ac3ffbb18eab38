import ArgumentParser
import Evaluation
import FaceRecognition
import Foundation
import RollcallCore

extension EvalCommand {
    /// `rollcall eval cluster`: the unknown-people grouping measured on labelled photos — every photo arrives
    /// once, in a shuffled order, as an unknown track would, and the clusters are scored against the people.
    struct Cluster: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cluster",
            abstract: "Incremental clustering of faces into people: pairwise and BCubed precision/recall.")

        enum PeopleChoice: String, ExpressibleByArgument, CaseIterable {
            /// Every person of the folder.
            case all
            /// The odd-index people (the strangers of `eval identify`).
            case strangers
        }

        @Option(help: "Folder of people, one subfolder of photos per person.")
        var root: String

        @Option(help: "Embeddings file: read when it exists, written after embedding when it does not.")
        var embeddings: String?

        @Option(help: "Which people: all, or strangers (odd-index, as eval identify).")
        var people: PeopleChoice = .all

        @Option(name: .customLong("min-photos"), help: "Only people with at least this many photos.")
        var minPhotos: Int = 1

        @Option(help: "Linkages to try (comma-separated): centroid, average.")
        var linkage: String = ClusterLinkage.average.rawValue

        @Option(help: "Join distances to try (comma-separated; default: the backbone's clustering default).")
        var join: String?

        @Option(help: "Merge distances to try (comma-separated; 'join' = each join distance; 0 = never merge; default: the backbone's).")
        var merge: String?

        @Option(name: .customLong("prior-spread"), help: "Spread priors to try (comma-separated squared distances; default: the backbone's).")
        var priorSpread: String?

        @Option(name: .customLong("prior-weight"), help: "Prior weights to try (comma-separated members; 0 = no prior; default: the backbone's).")
        var priorWeight: String?

        @Option(help: "Shuffled arrival orders per setting (figures are their median, 10th percentile and worst).")
        var orders: Int = 5

        @Option(help: "Seed of the first arrival order.")
        var seed: UInt64 = 17

        @OptionGroup var identity: IdentityOptions

        func validate() throws {
            guard minPhotos >= 1, minPhotos <= 10000 else { throw ValidationError("--min-photos must be 1…10000") }
            guard orders >= 1, orders <= 100 else { throw ValidationError("--orders must be 1…100") }
            _ = try settings()
        }

        /// Every (linkage, join, merge) combination asked for.
        func settings() throws -> [ClusteringPolicy] {
            func distances(_ text: String, _ flag: String) throws -> [Double] {
                try text.split(separator: ",").map { part in
                    guard let d = Double(part.trimmingCharacters(in: .whitespaces)), d.isFinite, d >= 0, d < 10 else {
                        throw ValidationError("\(flag): '\(part)' is not a distance in 0…10")
                    }
                    return d
                }
            }
            let linkages = try linkage.split(separator: ",").map { part in
                guard let l = ClusterLinkage(rawValue: String(part)) else {
                    throw ValidationError("--linkage: '\(part)' is not one of \(ClusterLinkage.allCases.map(\.rawValue))")
                }
                return l
            }
            var result = [ClusteringPolicy]()
            for l in linkages {
                let base = ClusteringPolicy.defaults(for: identity.backbone, linkage: l)
                let joins = try join.map { try distances($0, "--join") } ?? [base.joinDistance]
                let priors = try priorSpread.map { try distances($0, "--prior-spread") } ?? [base.priorSpread]
                let weights = try priorWeight.map { try distances($0, "--prior-weight") } ?? [base.priorWeight]
                for j in joins {
                    let merges = try merge.map { $0 == "join" ? [j] : try distances($0, "--merge") } ?? [base.mergeDistance]
                    for m in merges {
                        for p in priors {
                            for w in weights {
                                let policy = ClusteringPolicy(linkage: l, joinDistance: j, mergeDistance: m,
                                                              priorSpread: p, priorWeight: w)
                                do { try policy.validate() } catch { throw ValidationError("\(error)") }
                                result.append(policy)
                            }
                        }
                    }
                }
            }
            return result
        }

        func run() throws {
            let started = Date()
            var set = try LabelledPhotoSet.load(root: root, identity: identity, cache: embeddings)
            if people == .strangers {
                let odd = set.people.indices.filter { $0 % 2 == 1 }
                set = LabelledPhotoSet(people: odd.map { set.people[$0] }, paths: odd.map { set.paths[$0] })
            }
            set = set.keeping(minimumPhotos: minPhotos)
            var faces = [(label: Int, embedding: [Float])]()
            var noFace = 0
            for (label, person) in set.people.enumerated() {
                for e in person.embeddings {
                    if let e { faces.append((label, e)) } else { noFace += 1 }
                }
            }
            var results = [[String: Any]]()
            for policy in try settings() {
                var scores = [ClusteringScore]()
                for round in 0 ..< orders {
                    var generator = SplitMix64(seed: seed &+ UInt64(round))
                    let order = faces.indices.shuffled(using: &generator)
                    scores.append(try Self.score(faces, order: order, policy: policy))
                }
                func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
                func tenth(_ values: [Double]) -> Double { values.sorted()[values.count / 10] }
                results.append([
                    "linkage": policy.linkage.rawValue, "join": policy.joinDistance, "merge": policy.mergeDistance,
                    "prior_spread": policy.priorSpread, "prior_weight": policy.priorWeight,
                    "p10_pairwise_precision": tenth(scores.map(\.pairwisePrecision)),
                    "p10_bcubed_precision": tenth(scores.map(\.bcubedPrecision)),
                    "p10_bcubed_recall": tenth(scores.map(\.bcubedRecall)),
                    "pairwise_precision": median(scores.map(\.pairwisePrecision)),
                    "pairwise_recall": median(scores.map(\.pairwiseRecall)),
                    "bcubed_precision": median(scores.map(\.bcubedPrecision)),
                    "bcubed_recall": median(scores.map(\.bcubedRecall)),
                    "worst_pairwise_precision": scores.map(\.pairwisePrecision).min() ?? 0,
                    "worst_bcubed_precision": scores.map(\.bcubedPrecision).min() ?? 0,
                    "worst_pairwise_recall": scores.map(\.pairwiseRecall).min() ?? 0,
                    "worst_bcubed_recall": scores.map(\.bcubedRecall).min() ?? 0,
                    "clusters": median(scores.map { Double($0.clusters) }),
                ])
            }
            try printJSON([
                "backbone": identity.backbone.rawValue,
                "people": set.people.count,
                "faces": faces.count,
                "no_face": noFace,
                "orders": orders,
                "settings": results,
                "seconds": Date().timeIntervalSince(started),
            ])
        }

        /// Clusters `faces` arriving in `order` and scores the clusters against the labels.
        static func score(_ faces: [(label: Int, embedding: [Float])], order: [Int],
                          policy: ClusteringPolicy) throws -> ClusteringScore {
            var clusterer = try IncrementalClusterer(policy: policy)
            // Each face's cluster, followed through merges (a face's first cluster may be absorbed later).
            var placed = [Int64](repeating: 0, count: faces.count)
            var absorbedInto = [Int64: Int64]()
            for (step, i) in order.enumerated() {
                let placement = try clusterer.add(faces[i].embedding, newClusterID: Int64(step + 1))
                placed[i] = placement.cluster
                for gone in placement.absorbed { absorbedInto[gone] = placement.cluster }
            }
            func final(_ id: Int64) -> Int64 {
                var id = id
                while let next = absorbedInto[id] { id = next }
                return id
            }
            return ClusteringScore(clusters: placed.map(final), labels: faces.map(\.label))
        }
    }
}
