import Foundation
@testable import Imaging
import Testing

@Suite struct DecodeTests {
    @Test func jpegRoundTripStaysCloseAndKeepsSize() throws {
        let image = try TestImages.gradient(width: 64, height: 48)
        let jpeg = try image.jpegData(quality: 95)
        #expect(jpeg.withUnsafeBytes { ImageFileFormat.sniff($0) } == .jpeg)
        let decoded = try Image.decode(Data(jpeg))
        #expect(decoded.width == 64 && decoded.height == 48 && decoded.format == .rgb)
        #expect(TestImages.maxDifference(image, decoded) <= 10)
    }

    @Test func grayJPEGStaysGrayUnlessRGBIsAsked() throws {
        let image = try TestImages.gray(width: 16, height: 16) { x, y in x * 16 + y }
        let jpeg = Data(try image.jpegData(quality: 100))
        #expect(try Image.decode(jpeg).format == .gray)
        let rgb = try Image.decode(jpeg, options: DecodeOptions(format: .rgb))
        #expect(rgb.format == .rgb)
        #expect(rgb[3, 5, 0] == rgb[3, 5, 1] && rgb[3, 5, 1] == rgb[3, 5, 2])
    }

    @Test func pngRoundTripIsExactForGrayAndRGB() throws {
        let rgb = try TestImages.gradient(width: 13, height: 7)
        #expect(try Image.decode(Data(rgb.pngData())) == rgb)
        let gray = try TestImages.gray(width: 5, height: 9) { x, y in x * 50 + y }
        #expect(try Image.decode(Data(gray.pngData())) == gray)
        #expect(try Image.decode(Data(gray.pngData()), options: DecodeOptions(format: .rgb)) == gray.converted(to: .rgb))
    }

    @Test func binaryAndPlainPNMDecode() throws {
        let rgb = try TestImages.gradient(width: 4, height: 3)
        #expect(try Image.decode(Data(rgb.pnmData())) == rgb)
        let plain = "P2\n# a comment\n3 2\n# another\n10\n0 5 10\n10 5 0\n"
        let gray = try Image.decode(Data(plain.utf8))
        #expect(gray.format == .gray && gray.width == 3 && gray.height == 2)
        #expect(gray.pixels == [0, 128, 255, 255, 128, 0])
        let plainColor = try Image.decode(Data("P3 1 1 255 1 2 3".utf8))
        #expect(plainColor.pixels == [1, 2, 3])
    }

    @Test func sixteenBitPGMIsScaledToEightBits() throws {
        var bytes = Array("P5\n2 1\n65535\n".utf8)
        bytes += [0xFF, 0xFF, 0x80, 0x00] // 65535, 32768 (big-endian)
        let image = try Image.decode(Data(bytes))
        #expect(image.pixels == [255, 128])
    }

    @Test func oneByOneImagesDecodeInEveryFormat() throws {
        let pixel = try Image(width: 1, height: 1, format: .rgb, pixels: [200, 100, 50])
        #expect(try Image.decode(Data(pixel.pngData())) == pixel)
        #expect(try Image.decode(Data(pixel.pnmData())) == pixel)
        let fromJPEG = try Image.decode(Data(pixel.jpegData(quality: 100)))
        #expect(fromJPEG.width == 1 && fromJPEG.height == 1)
        #expect(TestImages.maxDifference(pixel, fromJPEG) <= 4)
    }

    @Test func maxPixelsDownscalesWhileKeepingAspect() throws {
        let image = try TestImages.gradient(width: 400, height: 200)
        for data in [Data(try image.jpegData()), Data(try image.pngData()), Data(image.pnmData())] {
            let small = try Image.decode(data, options: DecodeOptions(maxPixels: 5000))
            #expect(small.pixelCount <= 5000)
            #expect(small.width == 100 && small.height == 50)
        }
    }

    @Test func hugeJPEGIsShrunkDuringDecodeWithinThePixelLimit() throws {
        // 12000×9000 gray: the full image would be 108 M pixels; the limit allows 2 M, so the decoder must use a
        // DCT scaling factor (1/8 → 1500×1125) and never allocate the full size.
        let width = 12000, height = 9000
        let source = try Image(width: width, height: height, format: .gray)
        let jpeg = Data(try source.jpegData(quality: 50))
        let options = DecodeOptions(format: .rgb, pixelLimit: 2_000_000)
        let decoded = try Image.decode(jpeg, options: options)
        #expect(decoded.width == 1500 && decoded.height == 1125 && decoded.format == .rgb)
        let fitted = try Image.decode(jpeg, options: DecodeOptions(maxPixels: 640 * 480))
        #expect(fitted.pixelCount <= 640 * 480 && fitted.width == 4 * fitted.height / 3)
        // A PNG cannot shrink while decoding: its header alone is refused.
        let header = pngHeader(width: width, height: height)
        #expect(throws: ImagingError.self) { try Image.decode(Data(header), options: options) }
        do {
            _ = try Image.decode(Data(header), options: options)
        } catch {
            #expect(error.code == .tooLarge)
        }
    }

    @Test func absurdHeadersAreRefusedBeforeAllocating() throws {
        for data in [Data("P6 60000 60000 255\n".utf8), Data(pngHeader(width: 60000, height: 60000))] {
            do {
                _ = try Image.decode(data)
                Issue.record("an absurd header was accepted")
            } catch {
                #expect(error.code == .tooLarge)
            }
        }
    }

    @Test(arguments: ["jpeg", "png", "pnm"])
    func truncatedFilesGiveCorrupt(kind: String) throws {
        let image = try TestImages.gradient(width: 32, height: 32)
        let full: [UInt8] = kind == "jpeg" ? try image.jpegData() : kind == "png" ? try image.pngData() : image.pnmData()
        for length in [full.count / 2, full.count * 3 / 4, 12] {
            do {
                _ = try Image.decode(Data(full.prefix(length)))
                Issue.record("\(kind) truncated to \(length) of \(full.count) bytes decoded")
            } catch {
                #expect(error.code == .corrupt || error.code == .invalidDimensions, "\(kind) \(length): \(error)")
            }
        }
    }

    @Test func garbageAndEmptyInputGiveTypedErrors() throws {
        for seed in 1 ... 50 as ClosedRange<UInt64> {
            var bytes = TestImages.noise(count: 64 + Int(seed) * 37, seed: seed)
            // Give some of them a real signature so the format decoders see garbage, not just the sniffer.
            switch seed % 4 {
            case 1: bytes.replaceSubrange(0 ..< 3, with: [0xFF, 0xD8, 0xFF])
            case 2: bytes.replaceSubrange(0 ..< 8, with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            case 3: bytes.replaceSubrange(0 ..< 3, with: Array("P6\n".utf8))
            default: break
            }
            #expect(throws: ImagingError.self) { try Image.decode(Data(bytes)) }
        }
        do {
            _ = try Image.decode(Data())
            Issue.record("empty input decoded")
        } catch {
            #expect(error.code == .unsupportedFormat)
        }
        #expect(throws: ImagingError.self) { try Image.decode(Data("P5 0 4 255\n".utf8)) }
    }

    @Test func loadReportsThePath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-imaging-\(getpid()).jpg").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try Image.load(contentsOf: path)
            Issue.record("garbage file decoded")
        } catch {
            #expect(error.path == path && error.code == .unsupportedFormat)
        }
        do {
            _ = try Image.load(contentsOf: path + ".missing")
            Issue.record("missing file decoded")
        } catch {
            #expect(error.code == .io)
        }
        let image = try TestImages.gradient(width: 9, height: 4)
        try Data(image.pngData()).write(to: URL(fileURLWithPath: path))
        #expect(try Image.load(contentsOf: path) == image)
    }

    /// A PNG signature and IHDR chunk (with a correct CRC) claiming the given size, and nothing else.
    private func pngHeader(width: Int, height: Int) -> [UInt8] {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
        let body = Array("IHDR".utf8) + be32(width) + be32(height) + [8, 2, 0, 0, 0]
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in body {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be32(13) + body + be32(Int(crc ^ 0xFFFF_FFFF))
    }
}
