import Foundation
import ModelSupply
@testable import Neural
import Testing

@Suite struct TFLiteTests {
    static func modelBytes(_ id: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try ModelStore.standard().url(for: id)))
    }

    @Test func shortRangeModelLoadsAndRuns() throws {
        let model = try TFLiteModel(bytes: try Self.modelBytes("blazeface-short"))
        #expect(model.tensors[model.inputs[0]].shape == [1, 128, 128, 3])
        #expect(Set(model.outputs.map { model.tensors[$0].shape }) == [[1, 896, 16], [1, 896, 1]])
        let used = Set(model.operators.map(\.builtin))
        #expect(used.isSuperset(of: [.conv2d, .depthwiseConv2d, .add, .relu, .pad, .maxPool2d, .reshape, .concatenation, .dequantize]))
        let interpreter = try TFLiteInterpreter(model: model)
        let input = interpreter.input()
        for i in 0..<(128 * 128 * 3) { input[i] = Float(i % 251) / 125 - 1 }
        interpreter.invoke()
        let first = Array(interpreter.output(0))
        let finite = first.allSatisfy { $0.isFinite }
        #expect(finite)
        // Planned once: a second run on the same input gives the same numbers (no stale state).
        interpreter.invoke()
        let second = Array(interpreter.output(0))
        let worst = zip(first, second).map { abs($0 - $1) }.max() ?? 0
        #expect(worst == 0, "max difference \(worst)")
    }

    @Test func fullRangeModelDensifiesItsSparseWeights() throws {
        let model = try TFLiteModel(bytes: try Self.modelBytes("blazeface-full"))
        #expect(model.tensors.filter { $0.sparsity != nil }.count == 46)
        #expect(Set(model.operators.map(\.builtin)).isSuperset(of: [.densify, .resizeBilinear, .depthToSpace]))
        let interpreter = try TFLiteInterpreter(model: model)
        interpreter.input().update(repeating: 0.25, count: 192 * 192 * 3)
        interpreter.invoke()
        let finite = interpreter.output(0).allSatisfy { $0.isFinite } && interpreter.output(1).allSatisfy { $0.isFinite }
        #expect(finite)
    }

    @Test func densifyExpandsCSR() throws {
        // 4×4, rows dense, columns CSR: row 0 → col 2; row 1 → nothing; row 2 → cols 0, 3; row 3 → col 1.
        let sparsity = TFLiteSparsity(traversalOrder: [0, 1], dimensions: [
            TFLiteDimension(isSparse: false, denseSize: 4),
            TFLiteDimension(isSparse: true, segments: [0, 1, 1, 3, 4], indices: [2, 0, 3, 1]),
        ])
        let dense = try sparsity.densify([Float(1), 2, 3, 4], shape: [4, 4], tensor: "t")
        #expect(dense == [0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 3, 0, 4, 0, 0])
    }

    @Test func densifyExpandsBlocks() throws {
        // 2×4 in 1×2 blocks: block rows dense (2), block columns CSR (of 2), then the dense 1×2 block.
        // Row 0 holds block column 1 = [1, 2]; row 1 holds block column 0 = [3, 4].
        let sparsity = TFLiteSparsity(traversalOrder: [0, 1, 2, 3], blockMap: [0, 1], dimensions: [
            TFLiteDimension(isSparse: false, denseSize: 2),
            TFLiteDimension(isSparse: true, segments: [0, 1, 2], indices: [1, 0]),
            TFLiteDimension(isSparse: false, denseSize: 1),
            TFLiteDimension(isSparse: false, denseSize: 2),
        ])
        let dense = try sparsity.densify([Float(1), 2, 3, 4], shape: [2, 4], tensor: "t")
        #expect(dense == [0, 0, 1, 2, 3, 4, 0, 0])
    }

    @Test func densifyRefusesBadIndices() {
        let sparsity = TFLiteSparsity(traversalOrder: [0, 1], dimensions: [
            TFLiteDimension(isSparse: false, denseSize: 2),
            TFLiteDimension(isSparse: true, segments: [0, 1, 9], indices: [5]),
        ])
        #expect(throws: NeuralError.self) { try sparsity.densify([Float(1)], shape: [2, 2], tensor: "t") }
    }

    @Test func refusesNonModels() {
        #expect(throws: NeuralError.self) { try TFLiteModel(bytes: []) }
        #expect(throws: NeuralError.self) { try TFLiteModel(bytes: Array("hello, not a model at all".utf8)) }
        do {
            _ = try TFLiteModel(contentsOf: URL(fileURLWithPath: "/nonexistent/model.tflite"))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .io)
            #expect(error.path == "/nonexistent/model.tflite")
        }
    }

    @Test func refusesTruncatedModels() throws {
        let bytes = try Self.modelBytes("blazeface-short")
        for length in [8, 64, 1000, bytes.count / 2, bytes.count - 1000] {
            #expect(throws: NeuralError.self, "truncated to \(length)") {
                let model = try TFLiteModel(bytes: Array(bytes[..<length]))
                _ = try TFLiteInterpreter(model: model)
            }
        }
    }

    /// Random byte damage must give an error or a model that plans and runs — never a crash.
    @Test func survivesRandomDamage() throws {
        let bytes = try Self.modelBytes("blazeface-short")
        var rng = TestRandom(seed: 7)
        var refused = 0
        for _ in 0..<300 {
            var damaged = bytes
            // Damage the FlatBuffer structure (first and last 4 KiB: root, vtables, tables), not only weights.
            for _ in 0..<4 {
                let region = rng.int(0...1) == 0 ? rng.int(0...4095) : bytes.count - 1 - rng.int(0...4095)
                damaged[region] = UInt8(truncatingIfNeeded: rng.next())
            }
            do {
                let interpreter = try TFLiteInterpreter(model: try TFLiteModel(bytes: damaged))
                interpreter.invoke()
            } catch {
                refused += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(refused > 0)
    }

    @Test func namesUnsupportedOperators() throws {
        // Patch the first operator code to SOFTMAX (25), which Rollcall does not implement.
        var bytes = try Self.modelBytes("blazeface-short")
        let codes = try FlatBuffer(bytes).root().tables(1, "operator_codes")
        let code = try #require(codes.first)
        for (field, size) in [(3, 4), (0, 1)] {
            guard let at = try code.field(field) else { continue }
            bytes[at] = 25
            for k in 1..<size { bytes[at + k] = 0 }
        }
        do {
            _ = try TFLiteModel(bytes: bytes)
            Issue.record("expected unsupportedOperator")
        } catch {
            #expect(error.code == .unsupportedOperator)
            #expect(error.detail.contains("SOFTMAX"), "\(error)")
        }
    }
}

@Suite struct TFLiteWorkCountTests {
    /// The interpreter's multiply-accumulate count equals one derived independently from the model's own
    /// tensor shapes: output elements × filter taps (× input channels for full convolutions).
    @Test(arguments: ["blazeface-short", "blazeface-full"])
    func countsConvolutionWorkFromTheGraph(_ id: String) throws {
        let model = try TFLiteModel(bytes: try TFLiteTests.modelBytes(id))
        var expected = 0
        for op in model.operators where op.builtin == .conv2d || op.builtin == .depthwiseConv2d {
            let out = model.tensors[op.outputs[0]].count
            let filter = model.tensors[op.inputs[1]].shape   // conv: [out, kh, kw, in]; depthwise: [1, kh, kw, c]
            expected += out * filter[1] * filter[2] * (op.builtin == .conv2d ? filter[3] : 1)
        }
        let interpreter = try TFLiteInterpreter(model: model)
        #expect(expected > 1_000_000)
        #expect(interpreter.multiplyAccumulates == expected)
    }
}
