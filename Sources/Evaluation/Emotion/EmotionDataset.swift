import Emotion
import Foundation

/// A folder-per-class emotion dataset: `<root>/<class>/<image>`, class folders named as in FER-2013 or by a
/// common synonym (`EmotionLabel(folderName:)`). Folders naming no known class are skipped and listed.
public struct EmotionDataset: Sendable {
    /// One labeled image.
    public struct Sample: Sendable, Equatable {
        /// Full path.
        public let path: String
        /// `<folder>/<file>`, as results and centroid files name it.
        public let relativePath: String
        /// The class its folder stands for.
        public let label: EmotionLabel
    }

    /// The images, class folders in name order, files in name order within each.
    public let samples: [Sample]
    /// Folder names that name no known class.
    public let skipped: [String]

    /// Lists `root`; at most `limitPerClass` images per class folder (the first ones by name), when given.
    public init(root: String, limitPerClass: Int? = nil) throws(EmotionError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EmotionError(.io, detail: "dataset root is not a folder", path: root)
        }
        let folders: [String]
        do {
            folders = try manager.contentsOfDirectory(atPath: root).sorted()
        } catch {
            throw EmotionError(.io, detail: "cannot list: \(error.localizedDescription)", path: root)
        }
        var samples: [Sample] = []
        var skipped: [String] = []
        for folder in folders where !folder.hasPrefix(".") {
            let folderPath = root + "/" + folder
            guard manager.fileExists(atPath: folderPath, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            guard let label = EmotionLabel(folderName: folder) else {
                skipped.append(folder)
                continue
            }
            let files: [String]
            do {
                files = try manager.contentsOfDirectory(atPath: folderPath).filter { !$0.hasPrefix(".") }.sorted()
            } catch {
                throw EmotionError(.io, detail: "cannot list: \(error.localizedDescription)", path: folderPath)
            }
            for file in files.prefix(limitPerClass ?? Int.max) {
                samples.append(Sample(path: folderPath + "/" + file, relativePath: folder + "/" + file, label: label))
            }
        }
        self.samples = samples
        self.skipped = skipped
    }
}
