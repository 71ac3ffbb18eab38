import Foundation
import Testing
import TestSupport
@testable import Agent

/// The agent configuration fuzz target's seeds and regression inputs, replayed without the fuzzer (scripts/fuzz
/// runs it): the seeds are valid configurations; regression inputs are refused with an error, never a trap.
@Suite struct FuzzCorpusReplayTests {
    @Test func seedsParseAndRegressionsDoNotTrap() throws {
        let seeds = try FuzzInputs.files("agent-config")
        #expect(seeds.count >= 2)
        for seed in seeds { _ = try AgentConfig.parse(yaml: String(decoding: seed.data, as: UTF8.self)) }
        for input in try FuzzInputs.files("agent-config", regressions: true) {
            _ = try? AgentConfig.parse(yaml: String(decoding: input.data, as: UTF8.self))
        }
    }
}
