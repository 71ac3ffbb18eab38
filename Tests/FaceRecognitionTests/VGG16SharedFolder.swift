import Foundation

/// The shared reference folder: `<package root>/../shared` (tests run in the package root); a worktree one
/// level deeper finds it at `../../shared`.
enum VGG16SharedFolder {
    static var path: String? {
        ["../shared", "../../shared"].first { FileManager.default.fileExists(atPath: $0 + "/refs") }
    }
}
