import Foundation
import Testing
import TestSupport
import Wire

/// The Wire fuzz target's seeds and regression inputs, replayed without the fuzzer (scripts/fuzz runs it): every
/// seed decodes, and whatever decodes encodes again to a payload that decodes.
@Suite struct FuzzCorpusReplayTests {
    func roundTrip(_ data: Data) throws -> Bool {
        guard let message = try? AnyWireMessage(decoding: data) else { return false }
        let again: Data
        switch message {
        case .faceCrop(let value): again = try value.encoded()
        case .recognitionResult(let value): again = try value.encoded()
        case .galleryUpdate(let value): again = try value.encoded()
        case .galleryAck(let value): again = try value.encoded()
        case .agentStatus(let value): again = try value.encoded()
        case .availability(let value): again = try value.encoded()
        }
        _ = try AnyWireMessage(decoding: again)
        return true
    }

    @Test func seedsDecodeAndRegressionsDoNotTrap() throws {
        let seeds = try FuzzInputs.files("wire")
        #expect(seeds.count >= 8)
        for seed in seeds { #expect(try roundTrip(seed.data), "\(seed.name)") }
        for input in try FuzzInputs.files("wire", regressions: true) { _ = try roundTrip(input.data) }
    }
}
