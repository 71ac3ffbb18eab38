// Crop and photo files on disk, under one root each; names are generated, never taken from input.
import Foundation
import RollcallCore

/// Keeps image files (crops or enrollment photos) under one root folder, in day folders, by generated name.
public struct FileVault: Sendable {
    /// The root folder.
    public let root: URL

    public init(root: String) {
        self.root = URL(fileURLWithPath: FileSystem.expandingTilde(root), isDirectory: true)
    }

    /// Writes `bytes` as a new file and returns its path relative to the root (`2026/11/29/<uuid>.jpg`).
    public func save(_ bytes: [UInt8], extension ext: String, at time: Date = Date()) throws(CloudError) -> String {
        let relative = Self.newName(extension: ext, at: time)
        do {
            try FileSystem.writeAtomically(Data(bytes), to: root.appendingPathComponent(relative), permissions: 0o600)
        } catch {
            throw CloudError(.io, "cannot write: \(error)", subject: root.appendingPathComponent(relative).path)
        }
        return relative
    }

    /// The absolute URL of a stored file, or nil when `relative` would escape the root.
    public func url(of relative: String) -> URL? {
        guard !relative.isEmpty, !relative.hasPrefix("/"),
              !relative.split(separator: "/").contains(where: { $0 == ".." || $0 == "." || $0.isEmpty })
        else { return nil }
        return root.appendingPathComponent(relative)
    }

    /// Reads a stored file.
    public func read(_ relative: String) throws(CloudError) -> Data {
        guard let url = url(of: relative) else { throw CloudError(.notFound, "bad file reference", subject: relative) }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw CloudError(.notFound, "no such file", subject: relative)
        }
    }

    /// Removes stored files; a file already gone is not an error. Returns how many were removed.
    @discardableResult
    public func remove(_ relatives: [String]) -> Int {
        var removed = 0
        for relative in relatives {
            guard let url = url(of: relative) else { continue }
            if (try? FileManager.default.removeItem(at: url)) != nil { removed += 1 }
        }
        return removed
    }

    /// Whether a stored file exists.
    public func exists(_ relative: String) -> Bool {
        guard let url = url(of: relative) else { return false }
        return FileManager.default.fileExists(atPath: url.path)
    }
}
