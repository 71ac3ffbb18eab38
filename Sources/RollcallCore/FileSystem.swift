import Foundation

/// File-system helpers shared by the modules that persist state (model cache, outbox, gallery cache).
public enum FileSystem {
    /// Writes `data` to `url` atomically: a temporary file in the same folder, flushed, then renamed over.
    /// Readers see either the old file or the complete new one, never a partial write.
    public static func writeAtomically(_ data: Data, to url: URL, permissions: Int? = nil) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UInt32.random(in: 0 ... .max)).tmp")
        try data.write(to: temporary)
        if let permissions {
            try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary.path)
        }
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    /// Expands a leading `~` to the user's home folder.
    public static func expandingTilde(_ path: String) -> String {
        guard path.hasPrefix("~") else { return path }
        return NSString(string: path).expandingTildeInPath
    }
}
