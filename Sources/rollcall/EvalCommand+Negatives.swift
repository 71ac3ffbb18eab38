import ArgumentParser
import Evaluation
import FaceRecognition
import Foundation

extension EvalCommand {
    /// `rollcall eval negatives`: the "not this worker" measurement of issue 17 (see NegativeExamplesProtocol).
    struct Negatives: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "negatives",
            abstract: "\"Not this worker\": mark first-half stranger false accepts, measure FPIR/TPIR before and after.")

        @Option(help: "Folder of people, one subfolder of photos per person.")
        var root: String

        @Option(help: "Embeddings file: read when it exists, written after embedding when it does not.")
        var embeddings: String?

        @Option(help: "Enrollment images per enrolled person.")
        var enroll: Int = 5

        @Option(help: "Match threshold (default: the backbone's calibrated default).")
        var threshold: Float?

        @Option(help: "Random half-splits of each stranger's photos (0: one split, first half by file name).")
        var splits: Int = 0

        @Option(help: "Seed of the first random split (split i uses seed + i).")
        var seed: UInt64 = 17

        @OptionGroup var identity: IdentityOptions

        func validate() throws {
            guard enroll >= 1, enroll <= 1000 else { throw ValidationError("--enroll must be 1…1000") }
            guard splits >= 0, splits <= 1000 else { throw ValidationError("--splits must be 0…1000") }
            if let threshold { guard threshold.isFinite, threshold > 0 else { throw ValidationError("--threshold must be positive") } }
        }

        func run() throws {
            let started = Date()
            let set = try LabelledPhotoSet.load(root: root, identity: identity, cache: embeddings)
            let t = threshold ?? MatchPolicy.defaults(for: identity.backbone).threshold
            func figures(_ r: NegativeExamplesProtocol.Rates) -> [String: Any] {
                ["fpir": r.fpir, "false_accepts": r.falseAccepts, "tpir": r.tpir, "true_accepts": r.trueAccepts]
            }
            if splits > 0 {
                let summary = try NegativeExamplesProtocol.evaluate(
                    people: set.people, enroll: enroll, threshold: t, modelID: identity.backbone.modelID,
                    splits: splits, seed: seed)
                let first = summary.results.first
                try printJSON([
                    "backbone": identity.backbone.rawValue,
                    "K": enroll,
                    "threshold": Double(t),
                    "people": set.people.count,
                    "enrolled": first?.enrolled ?? 0,
                    "known_probes": first?.knownProbes ?? 0,
                    "held_out_probes": first?.heldOutProbes ?? 0,
                    "splits": summary.splits,
                    "seed": String(summary.seed),
                    "mean_fpir_before": summary.meanFPIRBefore,
                    "mean_fpir_after": summary.meanFPIRAfter,
                    "mean_tpir_before": summary.meanTPIRBefore,
                    "mean_tpir_after": summary.meanTPIRAfter,
                    "mean_tpir_change_points": summary.meanTPIRChangePoints,
                    "worst_tpir_change_points": summary.worstTPIRChangePoints,
                    "mean_negatives": summary.meanNegatives,
                    "splits_with_held_out_false_accepts": summary.splitsWithHeldOutFalseAccepts,
                    "total_false_accepts_before": summary.totalFalseAcceptsBefore,
                    "total_false_accepts_after": summary.totalFalseAcceptsAfter,
                    "per_split": summary.results.map { r in
                        ["negatives": r.negatives, "before": figures(r.before), "after": figures(r.core)] as [String: Any]
                    },
                    "seconds": Date().timeIntervalSince(started),
                ])
                return
            }
            let result = try NegativeExamplesProtocol.evaluate(people: set.people, enroll: enroll, threshold: t,
                                                               modelID: identity.backbone.modelID)
            var after = [String: Any]()
            for (rule, rates) in result.after { after[rule.rawValue] = figures(rates) }
            try printJSON([
                "backbone": identity.backbone.rawValue,
                "K": enroll,
                "threshold": Double(t),
                "people": set.people.count,
                "enrolled": result.enrolled,
                "known_probes": result.knownProbes,
                "marked_probes": result.markedProbes,
                "held_out_probes": result.heldOutProbes,
                "negatives": result.negatives,
                "workers_with_negatives": result.workersWithNegatives,
                "before": figures(result.before),
                "after": after,
                "core": figures(result.core),
                "seconds": Date().timeIntervalSince(started),
            ])
        }
    }
}
