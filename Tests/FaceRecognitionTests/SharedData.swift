import Foundation
import Imaging

/// Paths to the shared reference data (`<package root>/../shared`) and the release CLI.
enum SharedData {
    /// `<package root>/../shared`; from a worktree one level deeper (`wt/<name>`), `../../shared`.
    static let root: URL = {
        let parent = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).deletingLastPathComponent()
        let direct = parent.appendingPathComponent("shared")
        if FileManager.default.fileExists(atPath: direct.path) { return direct }
        return parent.deletingLastPathComponent().appendingPathComponent("shared")
    }()
    static var refs: URL { root.appendingPathComponent("refs") }
    static var datasets: URL { root.appendingPathComponent("datasets") }
    static var datasetsPresent: Bool { FileManager.default.fileExists(atPath: datasets.path) }

    /// One sample of dlib-lfw-sample.json.
    struct DlibSample: Decodable {
        var hog_box_ltrb: [Int]
        var landmarks5: [[Double]]
        var chip_descriptor: [Float]
        var descriptor: [Float]
    }

    /// dlib's reference samples, sorted by image path.
    static func dlibSamples() throws -> [(path: String, sample: DlibSample)] {
        let data = try Data(contentsOf: refs.appendingPathComponent("dlib-lfw-sample.json"))
        let all = try JSONDecoder().decode([String: DlibSample].self, from: data)
        return all.keys.sorted().compactMap { key in all[key].map { (key, $0) } }
    }

    /// An LFW-a image, gray as cv2.IMREAD_GRAYSCALE reads it.
    static func lfwImage(_ relativePath: String) throws -> Image {
        try Image.load(contentsOf: datasets.appendingPathComponent("lfw-a").appendingPathComponent(relativePath).path,
                       options: DecodeOptions(format: .gray))
    }
}
