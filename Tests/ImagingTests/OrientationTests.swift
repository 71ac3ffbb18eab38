import Foundation
@testable import Imaging
import Testing

@Suite struct OrientationTests {
    /// `jpeg` with an APP1 EXIF segment holding only the orientation tag (little-endian TIFF).
    private func withEXIF(_ jpeg: [UInt8], orientation: Int) -> [UInt8] {
        var tiff: [UInt8] = Array("II*\0".utf8) + [8, 0, 0, 0] + [1, 0]
        tiff += [0x12, 0x01, 3, 0, 1, 0, 0, 0, UInt8(orientation), 0, 0, 0] + [0, 0, 0, 0]
        let body = Array("Exif\0\0".utf8) + tiff
        let length = body.count + 2
        return Array(jpeg[0 ..< 2]) + [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 255)] + body + Array(jpeg[2...])
    }

    @Test func rightAngleTurnsMoveCornersWhereCV2Does() throws {
        // 3×2 gray: row 0 = 1 2 3, row 1 = 4 5 6.
        let image = try Image(width: 3, height: 2, format: .gray, pixels: [1, 2, 3, 4, 5, 6])
        #expect(image.oriented(.up) == image)
        #expect(image.oriented(.upMirrored).pixels == [3, 2, 1, 6, 5, 4])
        #expect(image.oriented(.down).pixels == [6, 5, 4, 3, 2, 1])
        #expect(image.oriented(.downMirrored).pixels == [4, 5, 6, 1, 2, 3])
        #expect(image.oriented(.leftMirrored).pixels == [1, 4, 2, 5, 3, 6])
        #expect(image.oriented(.right).pixels == [4, 1, 5, 2, 6, 3])
        #expect(image.oriented(.rightMirrored).pixels == [6, 3, 5, 2, 4, 1])
        #expect(image.oriented(.left).pixels == [3, 6, 2, 5, 1, 4])
        #expect(image.oriented(.right).width == 2 && image.oriented(.right).height == 3)
    }

    @Test(arguments: 1 ... 8)
    func decodeAppliesTheEXIFOrientation(orientation: Int) throws {
        let jpeg = withEXIF(try TestImages.gradient(width: 32, height: 16).jpegData(quality: 95), orientation: orientation)
        let stored = try Image.decode(Data(jpeg), options: DecodeOptions(applyEXIFOrientation: false))
        let upright = try Image.decode(Data(jpeg))
        #expect(upright == stored.oriented(try #require(ImageOrientation(rawValue: orientation))))
        #expect(jpeg.withUnsafeBytes { EXIFReader.orientation(ofJPEG: $0) }?.rawValue == orientation)
    }

    @Test func damagedEXIFIsIgnored() throws {
        let jpeg = try TestImages.gradient(width: 8, height: 8).jpegData()
        var bad = withEXIF(jpeg, orientation: 6)
        bad[12] = 0x58 // break the TIFF byte-order mark
        #expect(bad.withUnsafeBytes { EXIFReader.orientation(ofJPEG: $0) } == nil)
        #expect(withEXIF(jpeg, orientation: 9).withUnsafeBytes { EXIFReader.orientation(ofJPEG: $0) } == nil)
        #expect(try Image.decode(Data(bad)).width == 8)
    }

    @Test func pngAlphaIsDroppedAndSixteenBitReducedLikeCV2() throws {
        // Encoded by cv2.imencode('.png', …) (opencv-python 4.10.0); the expected pixels are cv2.imdecode's.
        let rgba = try hex("89504e470d0a1a0a0000000d494844520000000200000002080600000072b60d240000001a49444154081d633cc1c5c560f1f55b032303c3ffff6e36c6dc0039c30640250f111a0000000049454e44ae426082")
        #expect(try Image.decode(Data(rgba)).pixels == [200, 10, 10, 0, 255, 0, 0, 0, 255, 70, 60, 50])
        let gray16 = try hex("89504e470d0a1a0a0000000d49484452000000040000000110000000008cc78c520000001149444154081d636460f8ffbf91b1f905000efc03ed58419df40000000049454e44ae426082")
        let decoded16 = try Image.decode(Data(gray16)).pixels
        #expect(decoded16 == [0, 255, 128, 3], "\(decoded16)")
    }

    private func hex(_ text: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(try #require(UInt8(text[index ..< next], radix: 16)))
            index = next
        }
        return bytes
    }
}
