import Capture
import Imaging
import Testing

@Suite struct MJPEGScannerTests {
    private func items(_ bytes: [UInt8]) -> [MJPEGScanner.Item] {
        bytes.withUnsafeBytes { raw in
            var offset = 0, found: [MJPEGScanner.Item] = []
            while let item = MJPEGScanner().next(in: raw, offset: &offset) { found.append(item) }
            return found
        }
    }

    @Test func splitsConcatenatedJPEGsEvenWithEmbeddedThumbnails() throws {
        let a = try CaptureFixtures.jpegWithEmbeddedThumbnail(0)
        let b = try CaptureFixtures.frame(1).jpegData()
        let c = try CaptureFixtures.jpegWithEmbeddedThumbnail(2)
        let found = items(a + b + c)
        #expect(found == [.frame(0 ..< a.count), .frame(a.count ..< a.count + b.count),
                          .frame(a.count + b.count ..< a.count + b.count + c.count)])
        // Each frame decodes to the full-size image, not the thumbnail.
        let first = try Image.decode(bytes: (a + b + c).withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[0 ..< a.count]) }.copyToArray())
        #expect(first.width == 64 && first.height == 48)
    }

    @Test func truncatedFrameIsReportedAndScanningResumes() throws {
        let good = try CaptureFixtures.frame(3).jpegData()
        let truncated = Array(good.prefix(good.count / 2))
        let garbage: [UInt8] = [0x00, 0x13, 0x37, 0xFF, 0x00]
        let stream = good + truncated + garbage + good
        let found = items(stream)
        #expect(found.count == 3)
        #expect(found[0] == .frame(0 ..< good.count))
        guard case .corrupt(let bad) = found[1] else { Issue.record("expected a corrupt span, got \(found[1])"); return }
        #expect(bad.lowerBound == good.count)
        #expect(found[2] == .frame(stream.count - good.count ..< stream.count))
    }

    @Test func garbageWithoutSOIYieldsNothingAndTrailingPartialFrameIsCorrupt() throws {
        #expect(items(Array("no jpeg here at all".utf8)).isEmpty)
        let good = try CaptureFixtures.frame(4).jpegData()
        let found = items(good + good.prefix(100))
        #expect(found.count == 2)
        if case .corrupt = found[1] {} else { Issue.record("trailing partial frame not reported as corrupt") }
    }
}

private extension UnsafeRawBufferPointer {
    func copyToArray() -> [UInt8] { Array(self) }
}

private extension Image {
    static func decode(bytes: [UInt8]) throws -> Image {
        try bytes.withUnsafeBytes { try Image.decode(bytes: $0) }
    }
}
