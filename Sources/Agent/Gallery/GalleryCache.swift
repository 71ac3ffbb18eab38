// The agent's copy of its site's gallery: the latest verified snapshot (and any deltas on top of it) kept on
// disk as the signed messages themselves, so a restart re-verifies what it loads. An update is applied
// atomically — verified, built, written, then swapped in — or refused with the previous gallery kept.
//
// Rollback protection: the highest version of any verified message is remembered on disk apart from the
// gallery itself, so an older signed gallery is refused even after the stored one is lost; and a message past
// its signed expiry (GalleryUpdate format 2) is refused, so an agent with nothing on disk cannot be handed a
// stale retained gallery (the cloud re-signs its latest version well before it expires).
//
// Disk layout (folder):
//   snapshot.msg               the latest whole-gallery message, exactly as received (signed)
//   delta-<version, 20 digits>.msg   deltas received since, applied in version order on load
//   highest-version            the highest gallery version seen (decimal), never lowered
import Foundation

/// What happened to one gallery message; the agent acknowledges every one to the cloud.
public enum GalleryOutcome: Sendable, Equatable {
    /// Verified, stored and in use.
    case applied(version: UInt64)
    /// Refused; `activeVersion` (0: none) stays in use.
    case refused(version: UInt64?, reason: GalleryRefusal, detail: String, activeVersion: UInt64)
}

/// The gallery in use plus its on-disk copy. Safe to use from any thread.
public final class GalleryCache<Builder: GalleryBuilding>: @unchecked Sendable {
    /// The gallery in use.
    public struct Active: Sendable {
        public var version: UInt64
        public var modelID: String
        public var gallery: Builder.Gallery
    }

    public let folder: String
    private let verifier: any GalleryMessageVerifying
    private let builder: Builder
    private let expectedModelID: String?
    private let clock: @Sendable () -> Date
    private let lock = NSLock()
    private var active: Active?
    /// The highest version of any verified, unexpired message (and of what loaded from disk).
    private var highestSeen: UInt64 = 0

    /// Files on disk that failed to load at start (removed).
    public private(set) var discardedOnLoad = 0

    /// Opens the cache, loading (and re-verifying) whatever gallery is on disk. Files that no longer verify are
    /// removed and counted; the cache then starts from what did load (or empty). `clock` tells expiry.
    public init(folder: String, verifier: any GalleryMessageVerifying, builder: Builder,
                expectedModelID: String? = nil, clock: @escaping @Sendable () -> Date = Date.init) throws(OutboxError) {
        self.folder = folder
        self.verifier = verifier
        self.builder = builder
        self.expectedModelID = expectedModelID
        self.clock = clock
        do {
            try DurableFile.makeFolder(folder)
        } catch {
            throw OutboxError(.io, path: error.path, detail: error.detail)
        }
        load()
        highestSeen = max(Self.readVersion(highWaterPath), active?.version ?? 0)
    }

    /// The gallery in use, if any.
    public var current: Active? { lock.withLock { active } }

    /// The version in use (0: none).
    public var version: UInt64 { lock.withLock { active?.version ?? 0 } }

    /// The highest gallery version seen (0: none), on disk apart from the gallery.
    public var highestSeenVersion: UInt64 { lock.withLock { highestSeen } }

    private var snapshotPath: String { "\(folder)/snapshot.msg" }
    private var highWaterPath: String { "\(folder)/highest-version" }

    private static func readVersion(_ path: String) -> UInt64 {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return UInt64(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Raises the remembered highest version (memory first; the file is best effort and re-derived from the
    /// stored gallery at the next start when writing it fails).
    private func noteSeen(_ version: UInt64) {
        guard version > highestSeen else { return }
        highestSeen = version
        try? DurableFile.write(Data("\(version)\n".utf8), to: highWaterPath)
    }

    private func deltaPath(_ version: UInt64) -> String {
        let digits = String(version)
        return "\(folder)/delta-\(String(repeating: "0", count: max(0, 20 - digits.count)))\(digits).msg"
    }

    private func load() {
        guard let data = FileManager.default.contents(atPath: snapshotPath) else { return }
        var loaded: Active
        do {
            let message = try verifier.verify(data)
            guard message.baseVersion == nil else { throw GalleryMessageError(.malformed, detail: "snapshot file holds a delta") }
            loaded = Active(version: message.version, modelID: message.modelID,
                            gallery: try builder.gallery(fromSnapshot: message.body, modelID: message.modelID))
        } catch {
            try? DurableFile.remove(snapshotPath)
            discardedOnLoad += 1
            return
        }
        let deltas = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix("delta-") && $0.hasSuffix(".msg") }.sorted()
        var broken = false
        for name in deltas {
            let path = "\(folder)/\(name)"
            do {
                guard !broken, let bytes = FileManager.default.contents(atPath: path) else {
                    throw GalleryMessageError(.malformed, detail: "after a broken delta")
                }
                let message = try verifier.verify(bytes)
                guard message.version > loaded.version else {   // superseded by the snapshot
                    try? DurableFile.remove(path)
                    continue
                }
                guard message.baseVersion == loaded.version else { throw GalleryMessageError(.baseMismatch, detail: name) }
                loaded.gallery = try builder.applying(delta: message.body, to: loaded.gallery)
                loaded.version = message.version
            } catch {
                broken = true
                try? DurableFile.remove(path)
                discardedOnLoad += 1
            }
        }
        active = loaded
    }

    /// Verifies, builds, stores and swaps in one gallery message. Never throws: every failure is an outcome
    /// (to acknowledge), and the previous gallery stays in use.
    public func apply(_ message: Data) -> GalleryOutcome {
        lock.lock()
        defer { lock.unlock() }
        let activeVersion = active?.version ?? 0
        let verified: VerifiedGalleryMessage
        do {
            verified = try verifier.verify(message)
        } catch {
            return .refused(version: nil, reason: error.refusal, detail: error.detail, activeVersion: activeVersion)
        }
        func refuse(_ reason: GalleryRefusal, _ detail: String) -> GalleryOutcome {
            .refused(version: verified.version, reason: reason, detail: detail, activeVersion: activeVersion)
        }
        if let expectedModelID, verified.modelID != expectedModelID {
            return refuse(.modelMismatch, "gallery is for \(verified.modelID), this agent embeds with \(expectedModelID)")
        }
        if verified.version == activeVersion, active != nil {
            return .applied(version: activeVersion)   // a redelivery of what is in use: acknowledge again
        }
        if let expiresAt = verified.expiresAt, expiresAt <= clock() {
            return refuse(.stale, "version \(verified.version) expired at \(expiresAt) (a stale copy; the cloud re-signs "
                          + "its latest version before it expires)")
        }
        guard verified.version >= highestSeen else {
            return refuse(.stale, "version \(verified.version) is older than version \(highestSeen) this agent has seen "
                          + "(a rollback)")
        }
        noteSeen(verified.version)
        guard verified.version > activeVersion else {
            return refuse(.stale, "version \(verified.version) is older than \(activeVersion) in use")
        }
        let next: Active
        do {
            if let base = verified.baseVersion {
                guard let active, base == active.version else {
                    return refuse(.baseMismatch, "delta applies to \(base), version in use is \(activeVersion)")
                }
                guard verified.modelID == active.modelID else {
                    return refuse(.modelMismatch, "delta for \(verified.modelID) on a \(active.modelID) gallery")
                }
                next = Active(version: verified.version, modelID: verified.modelID,
                              gallery: try builder.applying(delta: verified.body, to: active.gallery))
            } else {
                next = Active(version: verified.version, modelID: verified.modelID,
                              gallery: try builder.gallery(fromSnapshot: verified.body, modelID: verified.modelID))
            }
        } catch {
            return refuse(error.refusal, error.detail)
        }
        do {
            if verified.baseVersion == nil {
                try DurableFile.write(message, to: snapshotPath)
                // Deltas on the old snapshot are superseded (a crash before this is handled at load).
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
                for name in names where name.hasPrefix("delta-") { try? DurableFile.remove("\(folder)/\(name)") }
            } else {
                try DurableFile.write(message, to: deltaPath(verified.version))
            }
        } catch {
            return refuse(.storage, "\(error.path): \(error.detail)")
        }
        active = next
        return .applied(version: next.version)
    }
}
