import Foundation
import ModelSupply
import KerasHDF5
import Neural
import Testing

/// The Keras `.h5` reader on fer's real mini-Xception file, and on damaged copies of it.
@Suite struct KerasWeightsTests {
    static func ferModelPath() throws -> String {
        try ModelStore.standard().url(for: "fer-mini-xception").path
    }

    static func scratchCopy(_ transform: (inout Data) -> Void) throws -> String {
        var data = try Data(contentsOf: URL(fileURLWithPath: try ferModelPath()))
        transform(&data)
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("rollcall-keras-\(UInt32.random(in: 0 ... .max)).h5").path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func readsFerMiniXception() throws {
        let weights = try KerasWeights(path: try Self.ferModelPath())
        #expect(weights.kerasVersion == "2.0.5")
        #expect(weights.layerNames.first == "input_1")
        #expect(weights.layerNames.contains("predictions"))
        let separable = try weights.tensors(of: "separable_conv2d_1", count: 2)
        #expect(separable.map(\.shape) == [[3, 3, 8, 1], [1, 1, 8, 16]])
        #expect(separable.map(\.role) == ["depthwise_kernel", "pointwise_kernel"])
        let norm = try weights.tensors(of: "batch_normalization_1", count: 4)
        #expect(norm.map(\.role) == ["gamma", "beta", "moving_mean", "moving_variance"])
        #expect(norm[3].values.allSatisfy { $0 > 0 })
        let total = weights.layers.values.flatMap { $0 }.reduce(0) { $0 + $1.values.count }
        #expect(total == 58_423)  // the published parameter count
    }

    @Test func parsesTheModelConfigGraph() throws {
        let config = try KerasWeights(path: try Self.ferModelPath()).modelConfig()
        #expect(config.outputs == ["predictions"])
        let add = try #require(config.layers.first { $0.name == "add_1" })
        #expect(add.className == "Add")
        #expect(add.inbound == ["max_pooling2d_1", "batch_normalization_3"])
        let conv = try #require(config.layers.first { $0.name == "conv2d_3" })
        #expect(conv.config["strides"]?.intArray == [2, 2])
        #expect(conv.config["padding"]?.stringValue == "same")
    }

    @Test func refusesAFileThatIsNotHDF5() throws {
        let path = try Self.scratchCopy { $0 = Data("this is not an hdf5 file".utf8) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: HDF5Error.self) { try KerasWeights(path: path) }
        #expect(error.code == .cannotOpen)
        #expect(error.description.contains(path))
    }

    @Test func refusesATruncatedFile() throws {
        let path = try Self.scratchCopy { $0 = $0.prefix($0.count / 2) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: HDF5Error.self) { try KerasWeights(path: path) }
    }

    @Test func refusesAFileWithDamagedMetadata() throws {
        // Overwrite the middle of the file (object headers and chunks) with garbage.
        let path = try Self.scratchCopy { data in
            for index in stride(from: 4096, to: min(data.count, 200_000), by: 7) { data[index] = 0xA5 }
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: HDF5Error.self) { try KerasWeights(path: path) }
    }

    @Test func refusesAMissingFile() throws {
        let error = try #require(throws: HDF5Error.self) { try KerasWeights(path: "/nonexistent/model.h5") }
        #expect(error.code == .cannotOpen)
    }
}
