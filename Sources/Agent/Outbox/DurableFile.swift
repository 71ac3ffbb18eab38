// Crash-safe file operations for the outbox and the gallery cache: write to a temporary name, fsync, rename,
// fsync the folder; unlink and fsync the folder. Every system call retries EINTR and maps errno to a message.
import Foundation

enum DurableFile {
    struct Failure: Error {
        let path: String
        let detail: String
    }

    private static func failure(_ what: String, _ path: String) -> Failure {
        Failure(path: path, detail: "\(what): \(String(cString: strerror(errno)))")
    }

    private static func retryingEINTR(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    /// Writes `data` to `path` so that after a crash the file holds either its old content (or is absent) or
    /// exactly `data`.
    static func write(_ data: Data, to path: String, permissions: mode_t = 0o640) throws(Failure) {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = "\(folder)/.\((path as NSString).lastPathComponent).tmp"
        let fd = retryingEINTR { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions) }
        guard fd >= 0 else { throw failure("cannot create", temporary) }
        var written = 0
        let ok: Bool = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            while written < raw.count {
                let n = Foundation.write(fd, base + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return true
        }
        guard ok, retryingEINTR({ fsync(fd) }) == 0 else {
            let error = failure("cannot write", temporary)
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot rename into place", path)
            unlink(temporary)
            throw error
        }
        try syncFolder(folder)
    }

    /// Removes `path` durably (a missing file is not an error).
    static func remove(_ path: String, syncFolder sync: Bool = true) throws(Failure) {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("cannot remove", path) }
        if sync { try syncFolder((path as NSString).deletingLastPathComponent) }
    }

    /// Flushes a folder's entries (names created, renamed or removed) to disk.
    static func syncFolder(_ folder: String) throws(Failure) {
        let fd = retryingEINTR { open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { throw failure("cannot open folder", folder) }
        defer { close(fd) }
        guard retryingEINTR({ fsync(fd) }) == 0 else { throw failure("cannot sync folder", folder) }
    }

    /// Creates the folder (and its parents) if needed.
    static func makeFolder(_ folder: String) throws(Failure) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
        } catch {
            throw Failure(path: folder, detail: "cannot create folder: \(error.localizedDescription)")
        }
    }
}
