import Foundation
import Imaging
import Testing
import TestSupport

/// The image decoders' fuzz seeds and regression inputs, replayed without the fuzzer (scripts/fuzz runs the
/// targets): every seed is a real image that decodes; every regression input is refused or decoded, never a trap.
@Suite struct FuzzCorpusReplayTests {
    static func decode(_ target: String, _ bytes: UnsafeRawBufferPointer, _ options: DecodeOptions) throws -> Image {
        switch target {
        case "jpeg": try JPEGDecoder().decode(bytes, options: options)
        case "png": try PNGCodec.decode(bytes, options: options)
        default: try PNMDecoder.decode(bytes, options: options)
        }
    }

    @Test(arguments: ["jpeg", "png", "pnm"])
    func seedsDecodeAndRegressionsDoNotTrap(target: String) throws {
        let decode = { (bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws -> Image in
            try Self.decode(target, bytes, options)
        }
        let seeds = try FuzzInputs.files(target)
        #expect(seeds.count >= 5)
        for seed in seeds {
            let image = try seed.data.withUnsafeBytes { try decode($0, DecodeOptions()) }
            #expect(image.width > 0 && image.height > 0, "\(seed.name)")
        }
        for input in try FuzzInputs.files(target, regressions: true) {
            _ = input.data.withUnsafeBytes { try? decode($0, DecodeOptions()) }
            _ = input.data.withUnsafeBytes { try? decode($0, DecodeOptions(format: .gray, maxPixels: 4096)) }
        }
    }
}
