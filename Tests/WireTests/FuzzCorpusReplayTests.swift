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
        case .faceSighting(let value): again = try value.encoded()
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

    /// The seeds, one payload of each kind as the Wire tests build them. Rewrites `Fuzz/Corpus/wire` when the
    /// wire format changes: `ROLLCALL_WRITE_WIRE_SEEDS=1 swift test --filter FuzzCorpusReplayTests` (skipped
    /// otherwise).
    static let seeds: [(name: String, payload: @Sendable () throws -> Data)] = [
        ("face-crop.bin", { try WireSamples.crop.encoded() }),
        ("face-decided.bin", { try WireSamples.decidedCrop.encoded() }),
        ("face-embedding.bin", { try WireSamples.embeddingCrop.encoded() }),
        ("result.bin", { try WireSamples.result.encoded() }),
        ("result-unknown.bin", { try WireSamples.unknownResult.encoded() }),
        ("gallery-v1.bin", { try WireSamples.gallery.encoded() }),
        ("gallery-v2.bin", {
            try GalleryUpdate.signed(version: 8, modelID: "dlib-resnet", issuedAt: WireSamples.time,
                                     expiresAt: WireSamples.time.addingTimeInterval(7 * 86_400),
                                     snapshot: Data((0 ..< 600).map { UInt8(truncatingIfNeeded: $0 * 7) }),
                                     key: WireSamples.signingKey).encoded()
        }),
        ("gallery-v2-delta.bin", {
            try GalleryUpdate.signed(mode: .delta, version: 9, baseVersion: 8, modelID: "dlib-resnet",
                                     issuedAt: WireSamples.time, expiresAt: WireSamples.time.addingTimeInterval(3600),
                                     snapshot: Data([1, 2, 3, 4]), key: WireSamples.signingKey).encoded()
        }),
        ("ack.bin", { try WireSamples.ack.encoded() }),
        ("status.bin", { try WireSamples.status.encoded() }),
        ("availability.bin", { try WireSamples.availability.encoded() }),
        ("sighting.bin", { try WireSamples.sighting.encoded() }),
    ]

    @Test(.enabled(if: ProcessInfo.processInfo.environment["ROLLCALL_WRITE_WIRE_SEEDS"] == "1"))
    func writeSeeds() throws {
        let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("Fuzz/Corpus/wire")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".bin") {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(file))
        }
        for seed in Self.seeds { try seed.payload().write(to: folder.appendingPathComponent(seed.name)) }
        #expect(try FuzzInputs.files("wire").count == Self.seeds.count)
    }
}
