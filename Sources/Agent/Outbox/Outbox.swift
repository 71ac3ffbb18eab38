// The disk outbox: every message the agent must deliver waits here until the broker acknowledged it.
// Survives restarts (kill -9 included) and broker outages of hours; bounded in bytes, dropping the oldest
// entries first (counted, and the count kept on disk: drops during an outage happen while nothing reaches the
// cloud, so a count that a restart reset would never be reported); an entry is removed only after its PUBACK.
//
// Delivery is at least once: a crash between the PUBACK and the removal of the file sends that one entry again
// after restart, so every payload carries its own message id for the consumer to de-duplicate. An entry that was
// acknowledged *and* removed is never sent again.
import Foundation

/// A durable, bounded FIFO of messages on disk. Safe to use from any thread.
public final class Outbox: @unchecked Sendable {
    /// Counters and gauges for status and metrics.
    public struct Stats: Sendable, Equatable {
        /// Entries waiting.
        public var depth: Int
        /// Bytes on disk.
        public var bytes: Int
        /// Creation time (Unix seconds) of the oldest waiting entry.
        public var oldestCreatedAt: Double?
        /// Entries accepted since start.
        public var appended: Int
        /// Entries acknowledged by the broker and removed since start.
        public var acknowledged: Int
        /// Entries ever dropped from this folder to stay within the byte bound (oldest first), across restarts.
        public var droppedOldest: Int
        /// Damaged entry files found and removed at start.
        public var droppedCorrupt: Int
    }

    private struct Index {
        var sequence: UInt64
        var size: Int
        var createdAt: Double
    }

    /// The outbox folder.
    public let folder: String
    /// The file in `folder` that keeps `droppedOldest` across restarts (decimal; not an entry name).
    static let droppedFileName = "dropped-oldest"
    /// The byte bound.
    public let maxBytes: Int

    private let lock = NSLock()
    private var index: [Index] = []   // ascending sequence
    private var bytes = 0
    private var nextSequence: UInt64 = 1
    private var inFlight: Set<UInt64> = []
    private var counters = (appended: 0, acknowledged: 0, droppedOldest: 0, droppedCorrupt: 0)
    private let signal: AsyncStream<Void>.Continuation
    /// Yields whenever an entry is appended (coalesced): the drainer waits on it when the outbox is empty.
    public let appendedSignal: AsyncStream<Void>

    /// Opens (creating if needed) the outbox in `folder`, recovering from any crash: temporary files are removed,
    /// damaged entries are removed and counted, the rest are kept in order.
    public init(folder: String, maxBytes: Int) throws(OutboxError) {
        self.folder = folder
        self.maxBytes = maxBytes
        (appendedSignal, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        do {
            try DurableFile.makeFolder(folder)
        } catch {
            throw OutboxError(.io, path: error.path, detail: error.detail)
        }
        try recover()
    }

    deinit { signal.finish() }

    private func recover() throws(OutboxError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw OutboxError(.io, path: folder, detail: "cannot list: \(error.localizedDescription)")
        }
        var highest: UInt64 = 0
        for name in names {
            let path = "\(folder)/\(name)"
            if name.hasPrefix("."), name.hasSuffix(".tmp") {
                // An entry that was being written when the agent stopped: it was never acknowledged to the
                // pipeline as stored, so it is not an entry.
                try? DurableFile.remove(path, syncFolder: false)
                continue
            }
            guard let sequence = OutboxEntry.sequence(fromFileName: name) else { continue }
            highest = max(highest, sequence)
            do {
                let entry = try OutboxEntry.decode(try Data(contentsOf: URL(fileURLWithPath: path)), sequence: sequence,
                                                   path: path)
                index.append(Index(sequence: sequence, size: entry.fileSize, createdAt: entry.createdAt))
                bytes += entry.fileSize
            } catch {
                try? DurableFile.remove(path, syncFolder: false)
                counters.droppedCorrupt += 1
            }
        }
        try? DurableFile.syncFolder(folder)
        if let saved = FileManager.default.contents(atPath: "\(folder)/\(Self.droppedFileName)"),
           let count = Int(String(decoding: saved, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
           count > 0 {
            counters.droppedOldest = count
        }
        index.sort { $0.sequence < $1.sequence }
        nextSequence = highest + 1
        if !index.isEmpty { signal.yield() }
    }

    /// Stores a message durably (flushed to disk before returning) and returns its sequence number. Drops the
    /// oldest entries, counting them, when the message would not fit within `maxBytes`.
    @discardableResult
    public func append(topic: String, payload: Data, retain: Bool = false,
                       createdAt: Double = Date().timeIntervalSince1970) throws(OutboxError) -> UInt64 {
        guard !topic.isEmpty, topic.utf8.count <= OutboxEntry.maxTopicBytes else {
            throw OutboxError(.invalidTopic, path: folder, detail: "topic must be 1...\(OutboxEntry.maxTopicBytes) bytes")
        }
        lock.lock()
        defer { lock.unlock() }
        let entry = OutboxEntry(sequence: nextSequence, topic: topic, payload: payload, retain: retain,
                                createdAt: createdAt)
        guard entry.fileSize <= maxBytes, payload.count <= OutboxEntry.maxPayloadBytes else {
            throw OutboxError(.tooLarge, path: folder,
                              detail: "a \(entry.fileSize)-byte entry cannot fit an outbox of \(maxBytes) bytes")
        }
        let droppedBefore = counters.droppedOldest
        while bytes + entry.fileSize > maxBytes, let oldest = index.first {
            try removeLocked(oldest.sequence)
            counters.droppedOldest += 1
        }
        if counters.droppedOldest != droppedBefore {
            do {
                try DurableFile.write(Data("\(counters.droppedOldest)\n".utf8),
                                      to: "\(folder)/\(Self.droppedFileName)")
            } catch {
                throw OutboxError(.io, path: error.path, detail: error.detail)
            }
        }
        let path = "\(folder)/\(OutboxEntry.fileName(entry.sequence))"
        do {
            try DurableFile.write(entry.encoded(), to: path)
        } catch {
            throw OutboxError(.io, path: error.path, detail: error.detail)
        }
        nextSequence += 1
        index.append(Index(sequence: entry.sequence, size: entry.fileSize, createdAt: createdAt))
        bytes += entry.fileSize
        counters.appended += 1
        signal.yield()
        return entry.sequence
    }

    /// The oldest entry that is not already being published, marked as in flight; nil when there is none.
    /// A damaged file found here is removed and counted, and the next entry is tried.
    public func checkOut() throws(OutboxError) -> OutboxEntry? {
        lock.lock()
        defer { lock.unlock() }
        while let item = index.first(where: { !inFlight.contains($0.sequence) }) {
            let path = "\(folder)/\(OutboxEntry.fileName(item.sequence))"
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                let entry = try OutboxEntry.decode(data, sequence: item.sequence, path: path)
                inFlight.insert(item.sequence)
                return entry
            } catch {
                try removeLocked(item.sequence)
                counters.droppedCorrupt += 1
            }
        }
        return nil
    }

    /// The broker acknowledged the entry: remove it for good.
    public func acknowledge(_ sequence: UInt64) throws(OutboxError) {
        lock.lock()
        defer { lock.unlock() }
        inFlight.remove(sequence)
        guard index.contains(where: { $0.sequence == sequence }) else { return }   // dropped meanwhile
        try removeLocked(sequence)
        counters.acknowledged += 1
    }

    /// Publishing the entry failed: it stays, first in line for the next attempt.
    public func release(_ sequence: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        inFlight.remove(sequence)
    }

    /// Current counters.
    public var stats: Stats {
        lock.lock()
        defer { lock.unlock() }
        return Stats(depth: index.count, bytes: bytes, oldestCreatedAt: index.first?.createdAt,
                     appended: counters.appended, acknowledged: counters.acknowledged,
                     droppedOldest: counters.droppedOldest, droppedCorrupt: counters.droppedCorrupt)
    }

    private func removeLocked(_ sequence: UInt64) throws(OutboxError) {
        do {
            try DurableFile.remove("\(folder)/\(OutboxEntry.fileName(sequence))")
        } catch {
            throw OutboxError(.io, path: error.path, detail: error.detail)
        }
        if let position = index.firstIndex(where: { $0.sequence == sequence }) {
            bytes -= index[position].size
            index.remove(at: position)
        }
    }
}
