@testable import Imaging
import Testing

@Suite struct ColorTests {
    @Test func grayUsesBT601Weights() throws {
        let rgb = try Image(width: 4, height: 1, format: .rgb, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
        #expect(rgb.converted(to: .gray).pixels == [76, 150, 29, 255])
        // Random pixels and cv2.cvtColor(x, COLOR_RGB2GRAY) from opencv-python 4.10.0.
        let random = try Image(width: 12, height: 1, format: .rgb, pixels: [
            139, 74, 229, 241, 169, 65, 6, 160, 149, 106, 38, 175, 188, 205, 175, 229, 98, 249,
            10, 148, 95, 86, 147, 198, 66, 39, 106, 213, 171, 45, 167, 57, 69, 81, 55, 14])
        #expect(random.converted(to: .gray).pixels == [111, 179, 113, 74, 196, 154, 101, 135, 55, 169, 91, 58])
        let gray = try Image(width: 2, height: 1, format: .gray, pixels: [7, 200])
        #expect(gray.converted(to: .rgb).pixels == [7, 7, 7, 200, 200, 200])
        #expect(gray.converted(to: .rgb).converted(to: .gray) == gray)
    }

    @Test func yuyvMatchesOpenCVBT601() throws {
        // cv2.cvtColor(yuyv, COLOR_YUV2RGB_YUYV) with opencv 4.10.0 on these 8 pixels.
        let yuyv: [UInt8] = [16, 128, 235, 128, 81, 90, 145, 54, 41, 240, 210, 16, 200, 60, 100, 200]
        let image = try yuyv.withUnsafeBytes { try Image.fromYUYV($0, width: 8, height: 1) }
        #expect(image.pixels == [0, 0, 0, 255, 255, 255, 0, 151, 0, 32, 225, 73,
                                 0, 76, 255, 47, 255, 255, 255, 182, 77, 213, 66, 0])
    }

    @Test func yuyvRespectsStrideAndRefusesShortOrOddFrames() throws {
        // Two rows of 2 pixels with 2 padding bytes per row.
        let bytes: [UInt8] = [235, 128, 235, 128, 9, 9, 16, 128, 16, 128]
        let image = try bytes.withUnsafeBytes { try Image.fromYUYV($0, width: 2, height: 2, bytesPerLine: 6) }
        #expect(image.pixels == [255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0])
        #expect(throws: ImagingError.self) { try bytes.withUnsafeBytes { try Image.fromYUYV($0, width: 2, height: 3) } }
        #expect(throws: ImagingError.self) { try bytes.withUnsafeBytes { try Image.fromYUYV($0, width: 3, height: 1) } }
    }

    @Test func yuyvRoundTripIsClose() throws {
        let image = try TestImages.gradient(width: 16, height: 6)
        let yuyv = try image.yuyvData()
        let back = try yuyv.withUnsafeBytes { try Image.fromYUYV($0, width: 16, height: 6) }
        // Chroma is shared by pixel pairs, so neighbouring colours blend a little.
        #expect(TestImages.maxDifference(image, back) <= 12)
        #expect(throws: ImagingError.self) { try Image(width: 3, height: 1, format: .rgb).yuyvData() }
    }

    @Test func floatsInBothLayoutsWithPerChannelScaleAndOffset() throws {
        let image = try Image(width: 2, height: 1, format: .rgb, pixels: [0, 128, 255, 10, 20, 30])
        let interleaved = try image.floats(scale: [2 / 255], offset: [-1])
        #expect(abs(interleaved[2] - 1) < 1e-6 && abs(interleaved[0] + 1) < 1e-6)
        let planar = try image.floats(layout: .planar, scale: [1, 2, 3], offset: [0, 0, 1])
        #expect(planar == [0, 10, 256, 40, 766, 91])
        #expect(throws: ImagingError.self) { try image.floats(scale: [1, 2]) }
        var tooSmall = [Float](repeating: 0, count: 5)
        #expect(throws: ImagingError.self) {
            try tooSmall.withUnsafeMutableBufferPointer { (buffer) throws(ImagingError) in try image.writeFloats(into: buffer) }
        }
    }
}
