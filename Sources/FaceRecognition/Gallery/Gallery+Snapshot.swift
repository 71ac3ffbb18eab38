// The gallery's snapshot: a deterministic, versioned byte encoding that agents receive (Wire signs it).
//
// Layout (all integers little-endian):
//   magic "RCGS" | version u16 (= 4) | model id: u8 length + UTF-8 | dimension u32 |
//   policy: threshold f32 bits, margin f32 bits, ratio f32 bits | worker count u32 |
//   per worker, in id order: id i64 | exemplar count u32 | negative count u32 |
//   centroid (dimension × f32 bits) | exemplars (count × dimension × f32 bits) |
//   negatives ("not this worker" examples, count × dimension × f32 bits) |
//   CRC-32 (IEEE) of everything before it, u32.
// Older versions are still read: version 3 has no ratio in the policy (ratio 1: no ratio test); version 2 has
// no ratio, no negative count and no negatives. A site's agents receive the gallery of that site's workers
// only (`Gallery.restricted(to:)`), in this same format.
// Equal galleries give equal bytes. Decoding refuses a wrong magic or version (version 1, with text worker
// ids and no policy, is no longer read), a truncated or over-long buffer, a checksum mismatch, a model other
// than the expected one, an invalid policy, ids that are not positive or not strictly increasing, and any
// non-finite value.
import RollcallCore

extension Gallery {
    static let snapshotMagic: [UInt8] = Array("RCGS".utf8)
    /// The snapshot format version this code writes (it also reads back to `oldestReadableSnapshotVersion`).
    public static let snapshotVersion: UInt16 = 4
    /// The oldest version decoded (version 2: no ratio test, no negatives).
    public static let oldestReadableSnapshotVersion: UInt16 = 2

    /// The snapshot bytes.
    public func snapshot() -> [UInt8] {
        var out = Self.snapshotMagic
        out.appendLE(Self.snapshotVersion)
        out.appendString(modelID)
        out.appendLE(UInt32(dimension))
        out.appendLE(policy.threshold.bitPattern)
        out.appendLE(policy.margin.bitPattern)
        out.appendLE(policy.ratio.bitPattern)
        out.appendLE(UInt32(workers.count))
        for worker in workers {
            out.appendLE(worker.id)
            out.appendLE(UInt32(worker.exemplars.count))
            out.appendLE(UInt32(worker.negatives.count))
            for v in worker.centroid { out.appendLE(v.bitPattern) }
            for e in worker.exemplars + worker.negatives {
                for v in e { out.appendLE(v.bitPattern) }
            }
        }
        out.appendLE(CRC32.checksum(out))
        return out
    }

    /// Decodes a snapshot, requiring it to hold embeddings of `expectedModelID` (nil accepts any model).
    public init(snapshot bytes: [UInt8], expectedModelID: String?) throws(RecognitionError) {
        func bad(_ detail: String) -> RecognitionError { RecognitionError(.invalidSnapshot, detail: detail) }
        guard bytes.count >= Self.snapshotMagic.count + 2 + 4, Array(bytes.prefix(4)) == Self.snapshotMagic else {
            throw bad("not a gallery snapshot (\(bytes.count) bytes, no RCGS magic)")
        }
        let body = bytes.count - 4
        var stored: UInt32 = 0
        for i in 0 ..< 4 { stored |= UInt32(bytes[body + i]) << (8 * i) }
        var reader = ByteReader(bytes: bytes, end: body)
        reader.offset = 4
        let version = try reader.u16()
        guard (Self.oldestReadableSnapshotVersion ... Self.snapshotVersion).contains(version) else {
            throw bad("snapshot version \(version), this build reads \(Self.oldestReadableSnapshotVersion)…\(Self.snapshotVersion)")
        }
        guard CRC32.checksum(bytes[0 ..< body]) == stored else {
            throw bad("checksum mismatch: the snapshot is truncated or damaged")
        }
        let modelID = try reader.string()
        if let expectedModelID, modelID != expectedModelID {
            throw RecognitionError(.backboneMismatch, detail: "snapshot holds \(modelID) embeddings, expected \(expectedModelID)")
        }
        let dimension = Int(try reader.u32())
        let threshold = Float(bitPattern: try reader.u32()), margin = Float(bitPattern: try reader.u32())
        let ratio = version >= 4 ? Float(bitPattern: try reader.u32()) : 1
        let policy = MatchPolicy(threshold: threshold, margin: margin, ratio: ratio)
        let gallery = try Gallery(modelID: modelID, dimension: dimension, policy: policy)
        let count = Int(try reader.u32())
        guard count <= reader.remaining / 4 else { throw bad("worker count \(count) exceeds the data") }
        var workers = [GalleryWorker]()
        workers.reserveCapacity(count)
        for _ in 0 ..< count {
            let id = WorkerID(bitPattern: try reader.u64())
            try Gallery.validateWorkerID(id)
            if let last = workers.last, last.id >= id { throw bad("worker ids not strictly increasing at \(id)") }
            let exemplarCount = Int(try reader.u32())
            let negativeCount = version >= 3 ? Int(try reader.u32()) : 0
            guard exemplarCount >= 1, exemplarCount <= reader.remaining / (4 * dimension) else {
                throw bad("worker \(id): \(exemplarCount) exemplars do not fit the data")
            }
            guard negativeCount <= Gallery.maximumNegativesPerWorker,
                  negativeCount <= (reader.remaining - 4 * dimension * exemplarCount) / (4 * dimension) else {
                throw bad("worker \(id): \(negativeCount) negatives do not fit the data")
            }
            let centroid = try reader.floats(dimension)
            var exemplars = [[Float]](), negatives = [[Float]]()
            for _ in 0 ..< exemplarCount { exemplars.append(try reader.floats(dimension)) }
            for _ in 0 ..< negativeCount { negatives.append(try reader.floats(dimension)) }
            for e in [centroid] + exemplars + negatives { try gallery.validate(e) }
            workers.append(GalleryWorker(id: id, exemplars: exemplars, centroid: centroid, negatives: negatives))
        }
        guard reader.remaining == 0 else { throw bad("\(reader.remaining) bytes after the last worker") }
        self = Gallery(modelID: gallery.modelID, dimension: gallery.dimension, policy: policy, sortedWorkers: workers)
    }
}

/// Bounds-checked little-endian reads for snapshot decoding.
struct ByteReader {
    let bytes: [UInt8]
    let end: Int
    var offset = 0
    var remaining: Int { end - offset }

    mutating func take(_ n: Int) throws(RecognitionError) -> Int {
        guard n >= 0, n <= remaining else {
            throw RecognitionError(.invalidSnapshot, detail: "truncated at byte \(offset): need \(n), have \(remaining)")
        }
        defer { offset += n }
        return offset
    }

    mutating func u16() throws(RecognitionError) -> UInt16 {
        let at = try take(2)
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    mutating func u32() throws(RecognitionError) -> UInt32 {
        let at = try take(4)
        var v: UInt32 = 0
        for i in 0 ..< 4 { v |= UInt32(bytes[at + i]) << (8 * i) }
        return v
    }

    mutating func u64() throws(RecognitionError) -> UInt64 {
        let at = try take(8)
        var v: UInt64 = 0
        for i in 0 ..< 8 { v |= UInt64(bytes[at + i]) << (8 * i) }
        return v
    }

    mutating func string() throws(RecognitionError) -> String {
        let n = Int(bytes[try take(1)])
        let at = try take(n)
        guard let s = String(validating: bytes[at ..< at + n], as: UTF8.self) else {
            throw RecognitionError(.invalidSnapshot, detail: "invalid UTF-8 at byte \(at)")
        }
        return s
    }

    mutating func floats(_ n: Int) throws(RecognitionError) -> [Float] {
        let at = try take(4 * n)
        var out = [Float](repeating: 0, count: n)
        for k in 0 ..< n {
            var v: UInt32 = 0
            for i in 0 ..< 4 { v |= UInt32(bytes[at + 4 * k + i]) << (8 * i) }
            out[k] = Float(bitPattern: v)
        }
        return out
    }
}

extension [UInt8] {
    mutating func appendLE<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }

    /// u8 length + UTF-8 (callers guarantee ≤ 255 bytes).
    mutating func appendString(_ s: String) {
        let utf8 = Array(s.utf8.prefix(255))
        append(UInt8(utf8.count))
        append(contentsOf: utf8)
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it).
enum CRC32 {
    static let table: [UInt32] = (0 ..< 256).map { n in
        var c = UInt32(n)
        for _ in 0 ..< 8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
