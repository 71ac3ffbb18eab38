// A bounds-checked reader for FlatBuffers (https://flatbuffers.dev/internals): the binary format of `.tflite`
// files. Only reading; every offset is checked against the buffer, so a damaged file throws
// `NeuralError.malformedModel` naming the byte offset instead of crashing.
//
// Layout recap: the file starts with a u32 offset to the root table. A table starts with an i32 offset back to
// its vtable (`vtable = table − soffset`); the vtable holds u16 vtable size, u16 table size, then one u16 per
// field: the field's offset inside the table, 0 when absent (default value). Vectors, strings and sub-tables are
// referenced by a u32 offset relative to where that offset is stored; a vector is a u32 count then elements.

/// A FlatBuffer in memory.
struct FlatBuffer {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private func check(_ offset: Int, _ size: Int, _ what: String) throws(NeuralError) {
        guard offset >= 0, size >= 0, offset <= bytes.count - size else {
            throw NeuralError(.malformedModel, "\(what) at byte \(offset) (+\(size)) lies outside the \(bytes.count)-byte file")
        }
    }

    func load<T: FixedWidthInteger>(_ offset: Int, as: T.Type, _ what: String = "value") throws(NeuralError) -> T {
        try check(offset, MemoryLayout<T>.size, what)
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    /// Follows the u32 offset stored at `offset`.
    func indirect(_ offset: Int, _ what: String) throws(NeuralError) -> Int {
        offset + Int(try load(offset, as: UInt32.self, what))
    }

    /// The root table.
    func root() throws(NeuralError) -> FlatTable {
        try FlatTable(buffer: self, position: try indirect(0, "root offset"), name: "root")
    }

    /// A copy of `count` bytes at `offset`.
    func slice(_ offset: Int, count: Int, _ what: String) throws(NeuralError) -> ArraySlice<UInt8> {
        try check(offset, count, what)
        return bytes[offset..<(offset + count)]
    }
}

/// One table of a FlatBuffer.
struct FlatTable {
    let buffer: FlatBuffer
    let position: Int
    let name: String
    private let vtable: Int
    private let vtableSize: Int

    init(buffer: FlatBuffer, position: Int, name: String) throws(NeuralError) {
        self.buffer = buffer
        self.position = position
        self.name = name
        let back = Int(try buffer.load(position, as: Int32.self, "\(name) vtable offset"))
        vtable = position - back
        vtableSize = Int(try buffer.load(vtable, as: UInt16.self, "\(name) vtable"))
        guard vtableSize >= 4, vtableSize % 2 == 0 else {
            throw NeuralError(.malformedModel, "\(name) table at byte \(position) has a bad vtable size \(vtableSize)")
        }
        _ = try buffer.slice(vtable, count: vtableSize, "\(name) vtable")
    }

    /// Absolute position of field `id`, or nil when absent.
    func field(_ id: Int) throws(NeuralError) -> Int? {
        let entry = 4 + 2 * id
        guard entry + 2 <= vtableSize else { return nil }
        let offset = Int(try buffer.load(vtable + entry, as: UInt16.self, "\(name) field \(id)"))
        return offset == 0 ? nil : position + offset
    }

    func scalar<T: FixedWidthInteger>(_ id: Int, default value: T) throws(NeuralError) -> T {
        guard let at = try field(id) else { return value }
        return try buffer.load(at, as: T.self, "\(name) field \(id)")
    }

    func bool(_ id: Int) throws(NeuralError) -> Bool { try scalar(id, default: UInt8(0)) != 0 }

    func table(_ id: Int, _ childName: String) throws(NeuralError) -> FlatTable? {
        guard let at = try field(id) else { return nil }
        return try FlatTable(buffer: buffer, position: try buffer.indirect(at, "\(name).\(childName)"), name: childName)
    }

    /// (position of the first element, count) of a vector field.
    func vector(_ id: Int, elementSize: Int, _ what: String) throws(NeuralError) -> (start: Int, count: Int)? {
        guard let at = try field(id) else { return nil }
        let v = try buffer.indirect(at, "\(name).\(what)")
        let count = Int(try buffer.load(v, as: UInt32.self, "\(name).\(what) length"))
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw NeuralError(.malformedModel, "\(name).\(what): impossible length \(count)") }
        _ = try buffer.slice(v + 4, count: bytes, "\(name).\(what) elements")
        return (v + 4, count)
    }

    func scalars<T: FixedWidthInteger>(_ id: Int, as: T.Type, _ what: String) throws(NeuralError) -> [T]? {
        guard let (start, count) = try vector(id, elementSize: MemoryLayout<T>.size, what) else { return nil }
        var out = [T]()
        out.reserveCapacity(count)
        for i in 0..<count { out.append(try buffer.load(start + i * MemoryLayout<T>.size, as: T.self, what)) }
        return out
    }

    func tables(_ id: Int, _ what: String) throws(NeuralError) -> [FlatTable] {
        guard let (start, count) = try vector(id, elementSize: 4, what) else { return [] }
        var out = [FlatTable]()
        out.reserveCapacity(count)
        for i in 0..<count {
            let at = start + 4 * i
            out.append(try FlatTable(buffer: buffer, position: try buffer.indirect(at, what), name: "\(what)[\(i)]"))
        }
        return out
    }

    func string(_ id: Int, _ what: String) throws(NeuralError) -> String? {
        guard let (start, count) = try vector(id, elementSize: 1, what) else { return nil }
        return String(decoding: try buffer.slice(start, count: count, what), as: UTF8.self)
    }

    func bytes(_ id: Int, _ what: String) throws(NeuralError) -> ArraySlice<UInt8>? {
        guard let (start, count) = try vector(id, elementSize: 1, what) else { return nil }
        return try buffer.slice(start, count: count, what)
    }
}
