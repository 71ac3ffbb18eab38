import Cloud
import Foundation
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

    @Test func readsTheDemoPhotosWhenPresent() throws {
        let url = URL(fileURLWithPath: NSString(string: "~/.cache/rollcall/models/demo/obama.jpg").expandingTildeInPath)
        guard let data = try? Data(contentsOf: url) else { return }
        let image = try EncodedImage(bytes: [UInt8](data))
        #expect(image.format == .jpeg && image.width > 100 && image.height > 100)
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

    @Test func randomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for length in 0 ..< 400 {
            var bytes = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            if length > 3, length % 2 == 0 { bytes[0 ..< 3] = [0xFF, 0xD8, 0xFF] }
            _ = try? EncodedImage(bytes: bytes)
        }
    }
}
