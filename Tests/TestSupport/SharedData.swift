// Where the evaluation data lives (`../shared` beside the checkout), and the traits that skip a test visibly
// when it is absent.
import Foundation
import Testing

/// The shared evaluation folder: `$ROLLCALL_SHARED`, else `../shared` next to the package root (tests run with
/// the package root as the current directory), else `../../shared` (a worktree one level deeper).
public enum SharedData {
    public static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["ROLLCALL_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let parent = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).deletingLastPathComponent()
        let direct = parent.appendingPathComponent("shared")
        if FileManager.default.fileExists(atPath: direct.path) { return direct }
        return parent.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// Labelled datasets (measuring only; never copied into the repository).
    public static var datasets: URL { root.appendingPathComponent("datasets") }
    /// Reference outputs of the upstream pipelines.
    public static var refs: URL { root.appendingPathComponent("refs") }
    public static var datasetsPresent: Bool { FileManager.default.fileExists(atPath: datasets.path) }
    public static var refsPresent: Bool { FileManager.default.fileExists(atPath: refs.path) }

    /// One dataset folder (`lfw-a`, `celeba-dev`, `orl`, `fer2013-test`).
    public static func dataset(_ name: String) -> URL { datasets.appendingPathComponent(name) }
    /// Whether one dataset folder is there.
    public static func has(_ name: String) -> Bool { FileManager.default.fileExists(atPath: dataset(name).path) }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only when `../shared/datasets` is present; otherwise it is reported as skipped.
    public static var needsSharedDatasets: Self {
        .enabled(if: SharedData.datasetsPresent, "needs ../shared/datasets (evaluation data beside the checkout)")
    }

    /// Runs the test only when `../shared/refs` is present; otherwise it is reported as skipped.
    public static var needsSharedRefs: Self {
        .enabled(if: SharedData.refsPresent, "needs ../shared/refs (reference outputs beside the checkout)")
    }

    /// Runs the test only when the release CLI is named by `$ROLLCALL_BIN` (scripts/test exports it).
    public static var needsReleaseCLI: Self {
        .enabled(if: ReleaseCLI.path != nil, "needs $ROLLCALL_BIN (the release `rollcall`; scripts/test sets it)")
    }
}
