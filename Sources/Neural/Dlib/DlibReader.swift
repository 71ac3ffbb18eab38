// DlibReader: a cursor over bytes in dlib's serialization format (dlib/serialize.h), the format of the
// `.dat` model files dlib publishes.
//
// The format, as dlib writes it:
// - Integer: one control byte, then N little-endian magnitude bytes. Control byte: low 4 bits = N (1…8,
//   never 0), bit 0x80 = negative (signed types only; unsigned types refuse it). Bits 0x70 are zero.
// - Floating point: the integer `mantissa` (int64) then the integer `exponent` (int16); the value is
//   mantissa · 2^exponent, except exponent 32000 = +inf, 32001 = -inf, 32002 = NaN.
// - Bool: one ASCII byte, '1' or '0'.
// - String: its length as an unsigned integer, then the raw bytes.
// - std::vector<T>: its count as an unsigned integer, then the elements.
// - dlib::matrix<T>: rows and columns as signed integers (negated in the current format), then the
//   elements row by row.
// - DNN tensor (resizable_tensor): version 2, then n, k, nr, nc as integers, then n·k·nr·nc raw
//   little-endian IEEE float32 values in NCHW order.
// - alias_tensor (a view into a layer's parameter tensor): version 1, then n, k, nr, nc.
import Foundation

/// Reads values in dlib's serialization format from an in-memory byte array, checking every length
/// against the bytes that remain.
public struct DlibReader: Sendable {
    /// The whole input.
    public let bytes: [UInt8]
    /// The next byte to read.
    public private(set) var offset: Int
    /// The file the bytes came from, for error messages.
    public let path: String?

    /// A reader at the start of `bytes`.
    public init(bytes: [UInt8], path: String? = nil) {
        self.bytes = bytes
        self.offset = 0
        self.path = path
    }

    /// A reader over the whole file at `url`.
    public init(contentsOf url: URL) throws(DlibError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DlibError(.io, offset: 0, detail: "cannot read: \(error.localizedDescription)", path: url.path)
        }
        self.init(bytes: [UInt8](data), path: url.path)
    }

    /// Bytes not yet read.
    public var remaining: Int { bytes.count - offset }

    /// An error at `offset` (default: the current position) carrying the file path.
    public func error(_ code: DlibError.Code, _ detail: String, at position: Int? = nil) -> DlibError {
        DlibError(code, offset: position ?? offset, detail: detail, path: path)
    }

    private mutating func take(_ count: Int, for what: String) throws(DlibError) -> Int {
        guard count >= 0, count <= remaining else {
            throw error(.truncated, "\(what) needs \(count) bytes, \(remaining) remain")
        }
        let start = offset
        offset += count
        return start
    }

    // MARK: Integers

    /// Reads a signed integer that must fit in `maxBytes` bytes (dlib's check for the target type).
    public mutating func readSigned(maxBytes: Int = 8) throws(DlibError) -> Int64 {
        let start = offset
        let control = bytes[try take(1, for: "integer control byte")]
        let size = Int(control & 0x0F)
        guard control & 0x70 == 0, size >= 1, size <= maxBytes else {
            throw error(.invalidInteger, "control byte 0x\(String(control, radix: 16)) for a \(maxBytes)-byte signed integer", at: start)
        }
        let first = try take(size, for: "integer")
        var magnitude: UInt64 = 0
        for i in stride(from: size - 1, through: 0, by: -1) {
            magnitude = magnitude << 8 | UInt64(bytes[first + i])
        }
        guard magnitude <= UInt64(Int64.max) else {
            throw error(.invalidInteger, "signed integer magnitude \(magnitude) overflows", at: start)
        }
        return control & 0x80 != 0 ? -Int64(magnitude) : Int64(magnitude)
    }

    /// Reads an unsigned integer that must fit in `maxBytes` bytes.
    public mutating func readUnsigned(maxBytes: Int = 8) throws(DlibError) -> UInt64 {
        let start = offset
        let control = bytes[try take(1, for: "integer control byte")]
        let size = Int(control & 0x8F)
        guard control & 0x70 == 0, size >= 1, size <= maxBytes else {
            throw error(.invalidInteger, "control byte 0x\(String(control, radix: 16)) for a \(maxBytes)-byte unsigned integer", at: start)
        }
        let first = try take(size, for: "integer")
        var value: UInt64 = 0
        for i in stride(from: size - 1, through: 0, by: -1) {
            value = value << 8 | UInt64(bytes[first + i])
        }
        return value
    }

    /// Reads a C `int` (dlib's version numbers, strides, paddings).
    public mutating func readInt32() throws(DlibError) -> Int {
        Int(try readSigned(maxBytes: 4))
    }

    /// Reads a count or size (`unsigned long` / `size_t`) and checks it against `limit`.
    public mutating func readCount(limit: Int, what: String) throws(DlibError) -> Int {
        let start = offset
        let value = try readUnsigned()
        guard value <= UInt64(limit) else {
            throw error(.invalidValue, "\(what) \(value) exceeds the limit \(limit)", at: start)
        }
        return Int(value)
    }

    /// Reads a signed `long` that must lie in `range`.
    public mutating func readLong(in range: ClosedRange<Int64>, what: String) throws(DlibError) -> Int {
        let start = offset
        let value = try readSigned()
        guard range.contains(value) else {
            throw error(.invalidValue, "\(what) \(value) is outside \(range)", at: start)
        }
        return Int(value)
    }

    /// Reads an integer and checks that it equals `expected` (a version number).
    public mutating func expectVersion(_ expected: ClosedRange<Int>, of what: String) throws(DlibError) -> Int {
        let start = offset
        let version = try readInt32()
        guard expected.contains(version) else {
            throw error(.unsupportedVersion, "\(what) version \(version), expected \(expected)", at: start)
        }
        return version
    }

    // MARK: Floating point, bool, string

    /// Reads a floating-point value (mantissa and exponent) as a `Double`.
    public mutating func readDouble() throws(DlibError) -> Double {
        let start = offset
        guard remaining > 0, bytes[offset] & 0x70 == 0 else {
            throw error(remaining == 0 ? .truncated : .unsupportedVersion,
                        "floating-point value is not in dlib's binary format")
        }
        let mantissa = try readSigned(maxBytes: 8)
        let exponent = try readSigned(maxBytes: 2)
        switch exponent {
        case 32000: return .infinity
        case 32001: return -.infinity
        case 32002: return .nan
        case -32768...31999: return scalbn(Double(mantissa), Int(exponent))
        default: throw error(.invalidValue, "floating-point exponent \(exponent)", at: start)
        }
    }

    /// Reads a floating-point value as a `Float`.
    public mutating func readFloat() throws(DlibError) -> Float {
        Float(try readDouble())
    }

    /// Reads a finite floating-point value as a `Float`.
    public mutating func readFiniteFloat(what: String) throws(DlibError) -> Float {
        let start = offset
        let value = try readFloat()
        guard value.isFinite else { throw error(.invalidValue, "\(what) is \(value)", at: start) }
        return value
    }

    /// Reads a bool ('1' or '0').
    public mutating func readBool() throws(DlibError) -> Bool {
        let start = offset
        switch bytes[try take(1, for: "bool")] {
        case UInt8(ascii: "1"): return true
        case UInt8(ascii: "0"): return false
        case let other: throw error(.invalidValue, "bool byte 0x\(String(other, radix: 16))", at: start)
        }
    }

    /// Reads a string of at most `maxLength` bytes.
    public mutating func readString(maxLength: Int = 256) throws(DlibError) -> String {
        let count = try readCount(limit: maxLength, what: "string length")
        let start = try take(count, for: "string")
        return String(decoding: bytes[start ..< start + count], as: UTF8.self)
    }

    /// Reads a string and checks it is one of `accepted` (a layer's version tag); returns it.
    @discardableResult
    public mutating func expectString(_ accepted: Set<String>, of what: String) throws(DlibError) -> String {
        let start = offset
        let value = try readString()
        guard accepted.contains(value) else {
            throw error(.unsupportedVersion, "\(what): found '\(value)', expected one of \(accepted.sorted())", at: start)
        }
        return value
    }

    // MARK: Matrices and tensors

    /// Reads a `dlib::matrix<float>` as (rows, columns, row-major values).
    public mutating func readFloatMatrix(maxElements: Int) throws(DlibError) -> (rows: Int, cols: Int, values: [Float]) {
        let start = offset
        let rows = abs(try readLong(in: -Int64(maxElements) ... Int64(maxElements), what: "matrix rows"))
        let cols = abs(try readLong(in: -Int64(maxElements) ... Int64(maxElements), what: "matrix columns"))
        guard rows * cols <= maxElements else {
            throw error(.invalidValue, "matrix \(rows)×\(cols) exceeds \(maxElements) elements", at: start)
        }
        var values = [Float]()
        values.reserveCapacity(rows * cols)
        for _ in 0 ..< rows * cols { values.append(try readFiniteFloat(what: "matrix element")) }
        return (rows, cols, values)
    }

    /// Reads a DNN tensor (version 2; n, k, nr, nc; raw float32) of at most `maxElements` values.
    public mutating func readTensor(maxElements: Int = 1 << 26) throws(DlibError) -> DlibTensor {
        let start = offset
        _ = try expectVersion(2 ... 2, of: "tensor")
        var dims = [Int]()
        for name in ["n", "k", "nr", "nc"] {
            dims.append(try readLong(in: 0 ... Int64(maxElements), what: "tensor \(name)"))
        }
        let (count, overflow) = dims.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        guard !overflow, count <= maxElements else {
            throw error(.invalidValue, "tensor \(dims) exceeds \(maxElements) elements", at: start)
        }
        let first = try take(count * 4, for: "tensor data")
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for i in 0 ..< count {
                let bits = raw.loadUnaligned(fromByteOffset: first + 4 * i, as: UInt32.self)
                values[i] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        return DlibTensor(n: dims[0], k: dims[1], rows: dims[2], cols: dims[3], values: values)
    }

    /// Reads an alias tensor's shape (version 1; n, k, nr, nc) and returns its element count and shape.
    public mutating func readAliasShape(maxElements: Int = 1 << 26) throws(DlibError) -> [Int] {
        let start = offset
        _ = try expectVersion(1 ... 1, of: "alias_tensor")
        var dims = [Int]()
        for name in ["n", "k", "nr", "nc"] {
            dims.append(try readLong(in: 0 ... Int64(maxElements), what: "alias_tensor \(name)"))
        }
        // Four dimensions of up to 2^26 each overflow a product checked naively (found while fuzzing).
        let (count, overflow) = dims.reduce((1, false)) { acc, d in
            let (product, carried) = acc.0.multipliedReportingOverflow(by: d)
            return (product, acc.1 || carried)
        }
        guard !overflow, count <= maxElements else {
            throw error(.invalidValue, "alias_tensor \(dims) too large", at: start)
        }
        return dims
    }
}

/// A dlib DNN tensor as stored: shape n×k×nr×nc and its values in NCHW order.
public struct DlibTensor: Sendable, Equatable {
    public var n: Int
    public var k: Int
    public var rows: Int
    public var cols: Int
    /// n·k·rows·cols values, NCHW.
    public var values: [Float]

    public init(n: Int, k: Int, rows: Int, cols: Int, values: [Float]) {
        self.n = n
        self.k = k
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// Number of values.
    public var count: Int { values.count }
}
