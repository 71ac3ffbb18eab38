import Foundation
import Imaging

/// Paths shared by the detection tests.
enum TestPaths {
    /// `<package root>/../shared` (tests run with the package root as the current directory), or
    /// `$ROLLCALL_SHARED` when set (for checkouts that live elsewhere, e.g. git worktrees).
    static let shared = ProcessInfo.processInfo.environment["ROLLCALL_SHARED"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).deletingLastPathComponent()
        .appendingPathComponent("shared")
    static var datasets: URL { shared.appendingPathComponent("datasets") }
    static var refs: URL { shared.appendingPathComponent("refs") }
    static var hasDatasets: Bool { FileManager.default.fileExists(atPath: datasets.path) }
}

/// MediaPipe's reference detections (`refs/mediapipe-*.json`): relative coordinates.
struct ReferenceEntry: Decodable {
    struct Face: Decodable {
        let score: Float
        let box: [Float]
        let keypoints: [[Float]]
    }
    let size: [Int]
    let short: [Face]
    let full: [Face]
}

func loadReference(_ name: String) throws -> [String: ReferenceEntry] {
    try JSONDecoder().decode([String: ReferenceEntry].self, from: Data(contentsOf: TestPaths.refs.appendingPathComponent(name)))
}
