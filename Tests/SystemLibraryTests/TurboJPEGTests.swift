import CTurboJPEG
import Testing

@Suite struct TurboJPEGTests {
    @Test func roundTripKeepsAGradientClose() throws {
        let width = 64, height = 48
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0 ..< height {
            for x in 0 ..< width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8(x * 4)
                pixels[i + 1] = UInt8(y * 5)
                pixels[i + 2] = 128
            }
        }
        let compressor = try #require(tjInitCompress())
        defer { tjDestroy(compressor) }
        var jpeg: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = tjCompress2(compressor, pixels, Int32(width), 0, Int32(height), Int32(TJPF_RGB.rawValue),
                                 &jpeg, &size, Int32(TJSAMP_444.rawValue), 95, 0)
        #expect(status == 0)
        defer { tjFree(jpeg) }
        #expect(size > 100)

        let decompressor = try #require(tjInitDecompress())
        defer { tjDestroy(decompressor) }
        var w: Int32 = 0, h: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        #expect(tjDecompressHeader3(decompressor, jpeg, size, &w, &h, &subsampling, &colorspace) == 0)
        #expect(w == Int32(width) && h == Int32(height))
        var decoded = [UInt8](repeating: 0, count: width * height * 3)
        #expect(tjDecompress2(decompressor, jpeg, size, &decoded, w, 0, h, Int32(TJPF_RGB.rawValue), 0) == 0)
        let maxError = zip(pixels, decoded).map { abs(Int($0) - Int($1)) }.max() ?? 255
        #expect(maxError <= 8)
    }

    @Test func rejectsGarbage() throws {
        let decompressor = try #require(tjInitDecompress())
        defer { tjDestroy(decompressor) }
        let garbage: [UInt8] = Array("definitely not a JPEG file".utf8)
        var w: Int32 = 0, h: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        #expect(tjDecompressHeader3(decompressor, garbage, UInt(garbage.count), &w, &h, &subsampling, &colorspace) != 0)
    }
}
