@testable import Imaging
import Testing

@Suite struct ResizeTests {
    /// 7×5 gray pattern `(37x + 91y + 13xy) mod 256`.
    private func pattern() throws -> Image {
        try TestImages.gray(width: 7, height: 5) { x, y in (x * 37 + y * 91 + x * y * 13) % 256 }
    }

    @Test func openCVVariantMatchesCV2ResizeByteForByte() throws {
        // Expected bytes produced by opencv-python-headless 4.10.0: cv2.resize(src, (w, h)) (INTER_LINEAR).
        let up: [UInt8] = [0, 17, 40, 64, 87, 111, 134, 158, 182, 205, 222, 30, 49, 75, 102, 128, 154, 126, 121, 148, 174,
                           193, 81, 103, 134, 165, 195, 226, 112, 61, 91, 123, 144, 131, 157, 182, 145, 149, 185, 130, 114,
                           149, 123, 96, 182, 211, 227, 105, 75, 115, 155, 195, 235, 136, 48, 90, 122, 157, 129, 143, 187,
                           141, 134, 179, 162, 142, 27, 62, 109, 140, 181, 231, 135, 94, 125, 172, 207, 77, 116, 154, 100,
                           107, 161, 161, 137, 82, 120, 159, 108, 148, 182, 76, 62, 119, 176, 162, 56, 89, 130]
        #expect(try pattern().resized(width: 11, height: 9, method: .bilinearOpenCV).pixels == up)
        #expect(try pattern().resized(width: 3, height: 2, method: .bilinearOpenCV).pixels == [99, 209, 126, 92, 214, 142])
    }

    @Test func openCVVariantMatchesCV2OnAnRGBImage() throws {
        // 5×4 RGB: R = 29x, G = 17y + 1, B = 9xy; cv2.resize(rgb, (8, 6)) with opencv 4.10.0.
        let source = try Image(width: 5, height: 4, format: .rgb) { out in
            for y in 0 ..< 4 { for x in 0 ..< 5 {
                let i = (y * 5 + x) * 3
                out[i] = UInt8(x * 29); out[i + 1] = UInt8(y * 17 + 1); out[i + 2] = UInt8(x * y * 9)
            } }
        }
        let expected: [UInt8] = [
            0, 1, 0, 13, 1, 0, 31, 1, 0, 49, 1, 0, 67, 1, 0, 85, 1, 0, 103, 1, 0, 116, 1, 0, 0, 10, 0, 13, 10, 2, 31, 10, 5,
            49, 10, 8, 67, 10, 10, 85, 10, 13, 103, 10, 16, 116, 10, 18, 0, 21, 0, 13, 21, 5, 31, 21, 11, 49, 21, 18, 67, 21,
            24, 85, 21, 31, 103, 21, 37, 116, 21, 42, 0, 32, 0, 13, 32, 7, 31, 32, 17, 49, 32, 28, 67, 32, 38, 85, 32, 48,
            103, 32, 59, 116, 32, 66, 0, 44, 0, 13, 44, 10, 31, 44, 24, 49, 44, 38, 67, 44, 52, 85, 44, 66, 103, 44, 80, 116,
            44, 90, 0, 52, 0, 13, 52, 12, 31, 52, 29, 49, 52, 45, 67, 52, 62, 85, 52, 79, 103, 52, 96, 116, 52, 108]
        #expect(try source.resized(width: 8, height: 6, method: .bilinearOpenCV).pixels == expected)
        #expect(source.converted(to: .gray).pixels == [1, 9, 18, 27, 35, 11, 20, 30, 40, 49, 21, 31, 42, 53, 63, 31, 42, 54, 66, 78])
    }

    @Test func openCVVariantMatchesCV2OnTheEmotionResize48To64() throws {
        // Gray 48×48, (3x² + 7y + 5(x xor y)) mod 256 → 64×64; sums of cv2.resize's output (opencv 4.10.0).
        let source = try TestImages.gray(width: 48, height: 48) { x, y in x * x * 3 + y * 7 + (x ^ y) * 5 }
        let out = try source.resized(width: 64, height: 64, method: .bilinearOpenCV)
        #expect(out.pixels.reduce(0) { $0 + Int($1) } == 524_145)
        #expect(out.pixels.enumerated().reduce(0) { $0 + Int($1.element) * $1.offset } == 1_054_786_895)
    }

    @Test func floatBilinearStaysWithinOneOfOpenCV() throws {
        let source = try TestImages.gray(width: 48, height: 48) { x, y in x * x * 3 + y * 7 + (x ^ y) * 5 }
        for (w, h) in [(64, 64), (17, 30), (128, 96)] {
            let a = try source.resized(width: w, height: h, method: .bilinear)
            let b = try source.resized(width: w, height: h, method: .bilinearOpenCV)
            #expect(TestImages.maxDifference(a, b) <= 1)
        }
    }

    @Test func bilinearUsesHalfPixelCentres() throws {
        // 2 pixels [0, 100] → 4: samples at −0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        let source = try Image(width: 2, height: 1, format: .gray, pixels: [0, 100])
        #expect(try source.resized(width: 4, height: 1).pixels == [0, 25, 75, 100])
        #expect(try source.resized(width: 4, height: 1, method: .bilinearOpenCV).pixels == [0, 25, 75, 100])
    }

    @Test func areaAveragesBlocks() throws {
        let source = try TestImages.gray(width: 4, height: 4) { x, y in (x / 2 + 2 * (y / 2)) * 40 + (x % 2) * 2 + (y % 2) * 4 }
        let out = try source.resized(width: 2, height: 2, method: .area)
        #expect(out.pixels == [3, 43, 83, 123])
        // Fractional coverage: 3 → 2 columns.
        let row = try Image(width: 3, height: 1, format: .gray, pixels: [0, 90, 180])
        #expect(try row.resized(width: 2, height: 1, method: .area).pixels == [30, 150])
    }

    @Test func resizeRefusesEmptyTargets() throws {
        #expect(throws: ImagingError.self) { try pattern().resized(width: 0, height: 3) }
        #expect(try pattern().resized(width: 7, height: 5) == pattern())
    }
}
