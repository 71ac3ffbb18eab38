import Cloud
import Foundation
import Testing
import TestSupport

/// The cloud configuration fuzz target's seeds and regression inputs, replayed without the fuzzer
/// (scripts/fuzz runs it): the seeds are valid configurations; regression inputs are refused, never a trap.
@Suite struct FuzzCorpusReplayTests {
    @Test func seedsParseAndRegressionsDoNotTrap() throws {
        let seeds = try FuzzInputs.files("cloud-config")
        #expect(seeds.count >= 2)
        for seed in seeds { _ = try CloudConfig(yaml: String(decoding: seed.data, as: UTF8.self)) }
        for input in try FuzzInputs.files("cloud-config", regressions: true) {
            _ = try? CloudConfig(yaml: String(decoding: input.data, as: UTF8.self))
        }
    }
}
