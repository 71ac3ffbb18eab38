import Foundation

// A `.tflite` model read straight from its FlatBuffer (tensorflow/lite/schema/schema.fbs), no TensorFlow.
//
// Fields read (schema.fbs ids): Model { version 0, operator_codes 1, subgraphs 2, buffers 4 };
// OperatorCode { deprecated_builtin_code 0 (i8), custom_code 1, builtin_code 3 (i32) — the code is the larger
// of the two }; SubGraph { tensors 0, inputs 1, outputs 2, operators 3 }; Tensor { shape 0, type 1, buffer 2,
// name 3, sparsity 6 }; Buffer { data 0, offset 1, size 2 (data outside the FlatBuffer, for >2 GB files) };
// Operator { opcode_index 0, inputs 1, outputs 2, builtin_options 4 }. The file identifier is "TFL3".
// Only the first subgraph is used. Every operator is checked against what Rollcall implements here, at load.

/// Element type of a tensor (schema.fbs `TensorType`).
public enum TFLiteTensorType: Int8, Sendable {
    case float32 = 0
    case float16 = 1
    case int32 = 2
    case uint8 = 3
    case int64 = 4
    case int8 = 9

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .float32, .int32: 4
        case .float16: 2
        case .uint8, .int8: 1
        case .int64: 8
        }
    }
}

/// One tensor of the graph.
public struct TFLiteTensor: Sendable {
    public let name: String
    /// Dimensions (NHWC for images).
    public let shape: [Int]
    public let type: TFLiteTensorType
    /// Index into the model's buffers; 0 (or an empty buffer) means "computed at run time".
    public let buffer: Int
    /// Set for sparse constant tensors (stored values are only the non-zeros).
    public let sparsity: TFLiteSparsity?

    /// Element count.
    public var count: Int { shape.reduce(1, *) }
}

/// A parsed `.tflite` model: its tensors, constant data, operators and graph inputs/outputs.
public struct TFLiteModel: Sendable {
    public let tensors: [TFLiteTensor]
    public let operators: [TFLiteOperator]
    /// Graph input tensor indices.
    public let inputs: [Int]
    /// Graph output tensor indices.
    public let outputs: [Int]
    /// Raw constant data per buffer index (empty when none).
    let buffers: [[UInt8]]

    /// Reads and parses the file at `url`.
    public init(contentsOf url: URL) throws(NeuralError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw NeuralError(.io, "cannot read: \(error.localizedDescription)", path: url.path)
        }
        do { try self.init(bytes: [UInt8](data)) } catch {
            var located = error
            located.path = url.path
            throw located
        }
    }

    /// Parses a model held in memory.
    public init(bytes: [UInt8]) throws(NeuralError) {
        guard bytes.count >= 8, Array(bytes[4..<8]) == Array("TFL3".utf8) else {
            throw NeuralError(.malformedModel, "not a TFLite model (no \"TFL3\" identifier in the first 8 bytes)")
        }
        let fb = FlatBuffer(bytes)
        let model = try fb.root()

        // Operator codes.
        var codes = [Int32]()
        for t in try model.tables(1, "operator_codes") {
            let deprecated = Int32(try t.scalar(0, default: Int8(0)))
            let builtin = try t.scalar(3, default: Int32(0))
            if let custom = try t.string(1, "custom_code"), !custom.isEmpty {
                throw NeuralError(.unsupportedOperator, "custom operator \"\(custom)\" is not supported")
            }
            codes.append(max(deprecated, builtin))
        }

        // Buffers.
        var buffers = [[UInt8]]()
        for t in try model.tables(4, "buffers") {
            if let data = try t.bytes(0, "data") {
                buffers.append(Array(data))
            } else {
                let offset = try t.scalar(1, default: UInt64(0)), size = try t.scalar(2, default: UInt64(0))
                if offset > 1, size > 0 {
                    guard offset <= UInt64(bytes.count), size <= UInt64(bytes.count) - offset else {
                        throw NeuralError(.malformedModel, "buffer \(buffers.count) at \(offset)+\(size) lies outside the file")
                    }
                    buffers.append(Array(bytes[Int(offset)..<Int(offset + size)]))
                } else {
                    buffers.append([])
                }
            }
        }

        guard let graph = try model.tables(2, "subgraphs").first else {
            throw NeuralError(.malformedModel, "the model has no subgraph")
        }

        // Tensors.
        var tensors = [TFLiteTensor]()
        for t in try graph.tables(0, "tensors") {
            let name = try t.string(3, "name") ?? "tensor \(tensors.count)"
            let shape = (try t.scalars(0, as: Int32.self, "shape") ?? []).map(Int.init)
            // The element count must not overflow on the way (a wrapped product once let a shape of three 2^23
            // dimensions through, which then trapped in `count`: found by scripts/fuzz).
            let elements = shape.reduce((1, false)) { acc, d in
                let (product, overflow) = acc.0.multipliedReportingOverflow(by: d)
                return (product, acc.1 || overflow)
            }
            guard shape.allSatisfy({ $0 >= 0 && $0 < 1 << 24 }), !elements.1, elements.0 < 1 << 31 else {
                throw NeuralError(.malformedModel, "tensor \"\(name)\" has an impossible shape \(shape)")
            }
            let rawType = try t.scalar(1, default: Int8(0))
            guard let type = TFLiteTensorType(rawValue: rawType) else {
                throw NeuralError(.unsupportedType, "tensor \"\(name)\" has unsupported element type \(rawType)")
            }
            let buffer = Int(try t.scalar(2, default: UInt32(0)))
            guard buffer < max(buffers.count, 1) else {
                throw NeuralError(.malformedModel, "tensor \"\(name)\" refers to buffer \(buffer) of \(buffers.count)")
            }
            let sparsity = try t.table(6, "sparsity").map { (s) throws(NeuralError) in try TFLiteSparsity(s) }
            tensors.append(TFLiteTensor(name: name, shape: shape, type: type, buffer: buffer, sparsity: sparsity))
        }

        func indices(_ list: [Int32]?, _ what: String, allowAbsent: Bool = false) throws(NeuralError) -> [Int] {
            let values = (list ?? []).map(Int.init)
            for v in values where !(v >= 0 && v < tensors.count) && !(allowAbsent && v == -1) {
                throw NeuralError(.malformedModel, "\(what) refers to tensor \(v) of \(tensors.count)")
            }
            return values
        }

        // Operators.
        var operators = [TFLiteOperator]()
        for (i, t) in try graph.tables(3, "operators").enumerated() {
            let index = Int(try t.scalar(0, default: UInt32(0)))
            guard index < codes.count else {
                throw NeuralError(.malformedModel, "operator \(i) uses opcode \(index) of \(codes.count)")
            }
            guard let builtin = TFLiteBuiltin(rawValue: codes[index]) else {
                throw NeuralError(.unsupportedOperator,
                                  "operator \(i) is \(TFLiteBuiltin.describe(codes[index])), which Rollcall does not implement")
            }
            let name = "operator \(i) (\(builtin.name))"
            let options = try TFLiteOptions.read(try t.table(4, "builtin_options"), for: builtin, op: name)
            operators.append(TFLiteOperator(builtin: builtin,
                                            inputs: try indices(try t.scalars(1, as: Int32.self, "inputs"), name, allowAbsent: true),
                                            outputs: try indices(try t.scalars(2, as: Int32.self, "outputs"), name),
                                            options: options))
        }

        self.tensors = tensors
        self.operators = operators
        self.buffers = buffers
        self.inputs = try indices(try graph.scalars(1, as: Int32.self, "inputs"), "graph inputs")
        self.outputs = try indices(try graph.scalars(2, as: Int32.self, "outputs"), "graph outputs")
    }

    /// True when tensor `index` has constant data in the file.
    public func isConstant(_ index: Int) -> Bool {
        guard tensors.indices.contains(index) else { return false }
        let b = tensors[index].buffer
        return b > 0 && b < buffers.count && !buffers[b].isEmpty
    }

    /// Index of the tensor called `name`.
    public func tensorIndex(named name: String) -> Int? { tensors.firstIndex { $0.name == name } }

    /// The constant values of tensor `index` as float32 (float16 widened, sparse tensors densified).
    public func floatValues(_ index: Int) throws(NeuralError) -> [Float] {
        let (t, raw) = try constant(index)
        let stored: [Float]
        switch t.type {
        case .float32:
            guard raw.count % 4 == 0 else { throw NeuralError(.malformedModel, "tensor \"\(t.name)\": \(raw.count) bytes is not float32 data") }
            stored = raw.withUnsafeBytes { p in (0..<raw.count / 4).map { Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
        case .float16:
            guard raw.count % 2 == 0 else { throw NeuralError(.malformedModel, "tensor \"\(t.name)\": \(raw.count) bytes is not float16 data") }
            stored = raw.withUnsafeBytes { p in (0..<raw.count / 2).map { Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))) } }
        default:
            throw NeuralError(.unsupportedType, "tensor \"\(t.name)\" is \(t.type), expected float32 or float16 weights")
        }
        if let sparsity = t.sparsity {
            return try sparsity.densify(stored, shape: t.shape, tensor: t.name)
        }
        guard stored.count == t.count else {
            throw NeuralError(.malformedModel, "tensor \"\(t.name)\" of shape \(t.shape) holds \(stored.count) values")
        }
        return stored
    }

    /// The constant values of an int32 tensor (PAD's paddings, RESHAPE's shape).
    public func int32Values(_ index: Int) throws(NeuralError) -> [Int] {
        let (t, raw) = try constant(index)
        guard t.type == .int32, raw.count == t.count * 4 else {
            throw NeuralError(.malformedModel, "tensor \"\(t.name)\" is not int32 data of shape \(t.shape)")
        }
        return raw.withUnsafeBytes { p in (0..<t.count).map { Int(Int32(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self))) } }
    }

    /// Tensor `index` and its constant bytes; an index an operator names that is not a tensor, or a tensor
    /// without constant data, is a malformed model rather than a crash.
    private func constant(_ index: Int) throws(NeuralError) -> (TFLiteTensor, [UInt8]) {
        guard tensors.indices.contains(index) else {
            throw NeuralError(.malformedModel, "tensor \(index) does not exist (the model has \(tensors.count))")
        }
        let t = tensors[index]
        guard buffers.indices.contains(t.buffer) else {
            throw NeuralError(.malformedModel, "tensor \"\(t.name)\" refers to buffer \(t.buffer), which does not exist")
        }
        return (t, buffers[t.buffer])
    }
}
