import Foundation
import KerasHDF5
import Testing
import TestSupport

/// The Keras reader's fuzz seeds and regression inputs, replayed without the fuzzer (scripts/fuzz runs the
/// target): the seeds parse, regression inputs are refused, never a trap.
@Suite struct KerasFuzzCorpusReplayTests {
    @Test func kerasSeedsParse() throws {
        let seeds = try FuzzInputs.files("keras")
        #expect(seeds.count >= 3)
        let small = try #require(seeds.first { $0.name == "functional-small.json" })
        let config = try KerasModelConfig(json: String(decoding: small.data, as: UTF8.self), file: small.name)
        #expect(config.layers.count == 8 && config.outputs == ["predictions"])
        #expect(config.layers.first { $0.name == "add_1" }?.inbound == ["sep_1", "act_1"])
        for input in try FuzzInputs.files("keras", regressions: true) {
            _ = try? KerasModelConfig(json: String(decoding: input.data, as: UTF8.self), file: input.name)
        }
    }
}
