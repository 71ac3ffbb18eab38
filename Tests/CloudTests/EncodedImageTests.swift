import Cloud
import Foundation
import ModelSupply
import Testing

@Suite struct EncodedImageTests {
    @Test func readsPNGSize() throws {
        let image = try EncodedImage(bytes: TestImages.png(width: 40, height: 30))
        #expect(image.format == .png)
        #expect(image.width == 40 && image.height == 30)
    }

    @Test func readsJPEGSizeFromFrameHeader() throws {
        // SOI, an APP0 segment, then SOF0 with height 480 and width 640.
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46]
        bytes += [0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x01, 0x01, 0x11, 0x00]
        let image = try EncodedImage(bytes: bytes)
        #expect(image.format == .jpeg)
        #expect(image.width == 640 && image.height == 480)
    }

    /// The demo photo (fetched and verified by `rollcall models fetch`, which scripts/test runs): 910×1137.
    @Test func readsTheDemoPhoto() throws {
        let url = try ModelStore.standard().url(for: "demo-obama")
        let image = try EncodedImage(bytes: [UInt8](try Data(contentsOf: url)))
        #expect(image.format == .jpeg)
        #expect(image.width == 910 && image.height == 1137)
    }

    @Test func refusesWhatIsNotAnImage() {
        let samples: [[UInt8]] = [
            [], Array("hello world, not an image".utf8), [0xFF, 0xD8, 0xFF],
            [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0, 0, 0, 0, 0, 0],               // scan before any frame
            Array(TestImages.png().prefix(20)),                                       // truncated PNG
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 20), // no IHDR
        ]
        for bytes in samples {
            #expect(throws: CloudError.self) { try EncodedImage(bytes: bytes) }
        }
        var huge = TestImages.png(width: 4, height: 4)
        huge[16 ..< 20] = [0x7F, 0xFF, 0xFF, 0xFF]
        #expect { try EncodedImage(bytes: huge) } throws: { ($0 as? CloudError)?.code == .notAnImage }
    }

    /// Random bytes (half of them behind a JPEG signature) are either refused as `.notAnImage` or read as a
    /// JPEG whose size is within the limits — never anything else, and never a crash.
    @Test func randomBytesAreRefusedOrReadWithinLimits() {
        var generator = SystemRandomNumberGenerator()
        var refused = 0
        for length in 0 ..< 400 {
            var bytes = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            if length > 3, length % 2 == 0 { bytes[0 ..< 3] = [0xFF, 0xD8, 0xFF] }
            do {
                let image = try EncodedImage(bytes: bytes)
                #expect(image.format == .jpeg && bytes.starts(with: [0xFF, 0xD8, 0xFF]), "\(bytes.prefix(16))")
                #expect((1 ... EncodedImage.maxSide).contains(image.width) && (1 ... EncodedImage.maxSide).contains(image.height))
            } catch {
                #expect(error.code == .notAnImage)
                refused += 1
            }
        }
        #expect(refused >= 200, "every input without a signature is refused")
    }
}
