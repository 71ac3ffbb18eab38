import Foundation
import RollcallCore

/// The local cache of pinned model files (`$ROLLCALL_MODELS`, default `~/.cache/rollcall/models`).
///
/// Every lookup checks the file against the sha256 the lock pins, so a missing or damaged model is reported
/// with its name, the expected hash and the command that repairs it, instead of failing deep inside a reader.
public struct ModelStore: Sendable {
    /// The cache folder.
    public let root: URL
    /// The lock that pins the files.
    public let lock: ModelLock

    /// A store over `root` with the given lock.
    public init(root: URL, lock: ModelLock) {
        self.root = root
        self.lock = lock
    }

    /// The store the environment points at: `$ROLLCALL_MODELS` (or `~/.cache/rollcall/models`) and the lock
    /// `ModelLock.locate` finds.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ModelError) -> ModelStore {
        let lock = try ModelLock(contentsOf: try ModelLock.locate(environment: environment))
        return ModelStore(root: defaultRoot(environment: environment), lock: lock)
    }

    /// `$ROLLCALL_MODELS`, or `~/.cache/rollcall/models`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["ROLLCALL_MODELS"], !path.isEmpty {
            return URL(fileURLWithPath: FileSystem.expandingTilde(path))
        }
        return URL(fileURLWithPath: FileSystem.expandingTilde("~/.cache/rollcall/models"))
    }

    /// Where the file with `id` lives in the cache (whether or not it is there).
    public func location(of file: ModelLock.File) -> URL {
        root.appendingPathComponent(file.file)
    }

    /// The verified path of the model file `id`; throws if it is unknown, missing or corrupted.
    public func url(for id: String) throws(ModelError) -> URL {
        guard let file = lock.file(id: id) else {
            throw ModelError(.unknownModel, path: id, detail: "config/models.lock names no file with this id")
        }
        let url = location(of: file)
        switch status(of: file) {
        case .ok: return url
        case .missing:
            throw ModelError(.missing, path: url.path, detail: "not found", expectedSHA256: file.sha256)
        case .corrupted(let actual):
            throw ModelError(.corrupted, path: url.path, detail: "sha256 is \(actual)", expectedSHA256: file.sha256)
        }
    }

    /// The state of one cached file.
    public enum FileStatus: Sendable, Equatable {
        case ok
        case missing
        case corrupted(actualSHA256: String)
    }

    /// Checks one cached file against its pin.
    public func status(of file: ModelLock.File) -> FileStatus {
        let url = location(of: file)
        guard FileManager.default.fileExists(atPath: url.path) else { return .missing }
        guard let actual = try? SHA256File.hex(of: url) else { return .missing }
        return actual == file.sha256 ? .ok : .corrupted(actualSHA256: actual)
    }

    /// Checks every pinned file; the result lists each with its state.
    public func verifyAll() -> [(file: ModelLock.File, status: FileStatus)] {
        lock.allFiles.map { ($0, status(of: $0)) }
    }
}
