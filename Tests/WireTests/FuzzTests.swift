import Foundation
import RollcallCore
import Testing
@testable import Wire

/// Random and mutated payloads: decoding never crashes; it either throws a `WireError` or yields a message
/// that validates and re-encodes.
@Suite struct FuzzTests {
    private func decodeCounting(_ data: Data, accepted: inout Int, rejected: inout Int) {
        do {
            let message = try AnyWireMessage(decoding: data)
            switch message {
            case .faceCrop(let value): try value.validate(); _ = try FaceCrop(decoding: try value.encoded())
            case .recognitionResult(let value): try value.validate()
            case .galleryUpdate(let value): try value.validate()
            case .galleryAck(let value): try value.validate()
            case .agentStatus(let value): try value.validate()
            case .availability(let value): try value.validate()
            case .faceSighting(let value): try value.validate(); _ = try FaceSighting(decoding: try value.encoded())
            }
            accepted += 1
        } catch is WireError {
            rejected += 1
        } catch {
            Issue.record("non-wire error \(error)")
        }
    }

    @Test func randomBytesNeverCrash() {
        var random = SplitMix64(seed: 1)
        var accepted = 0, rejected = 0
        for index in 0..<5_000 {
            let count = Int.random(in: 0...300, using: &random)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            if index % 2 == 0, bytes.count >= 4 {  // a valid header half the time, to reach the bodies
                bytes[0] = 0x52; bytes[1] = 0x43; bytes[2] = 1; bytes[3] = UInt8.random(in: 1...7, using: &random)
            }
            decodeCounting(Data(bytes), accepted: &accepted, rejected: &rejected)
        }
        #expect(accepted + rejected == 5_000)
        #expect(rejected > 4_900)
    }

    @Test func mutatedValidPayloadsNeverCrash() {
        var random = SplitMix64(seed: 2)
        let samples = WireSamples.payloads
        var accepted = 0, rejected = 0
        for _ in 0..<20_000 {
            var data = samples[Int.random(in: 0..<samples.count, using: &random)]
            switch Int.random(in: 0..<5, using: &random) {
            case 0:  // flip bits
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    data[Int.random(in: 0..<data.count, using: &random)] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                }
            case 1:  // truncate
                data = data.prefix(Int.random(in: 0..<data.count, using: &random))
            case 2:  // overwrite a run with 0xFF (huge lengths)
                let start = Int.random(in: 0..<data.count, using: &random)
                for index in start..<min(data.count, start + 4) { data[index] = 0xFF }
            case 3:  // insert bytes
                data.insert(contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) },
                            at: Int.random(in: 0...data.count, using: &random))
            default:  // random byte
                data[Int.random(in: 0..<data.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            decodeCounting(data, accepted: &accepted, rejected: &rejected)
        }
        #expect(accepted + rejected == 20_000)
        #expect(rejected > 1_000)
    }
}
