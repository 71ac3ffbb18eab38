import CPNG
import Testing

@Suite struct PNGTests {
    @Test func simplifiedAPIRoundTrip() throws {
        let width: UInt32 = 7, height: UInt32 = 5
        let pixels = (0 ..< Int(width * height * 3)).map { UInt8(($0 * 37) % 256) }
        var image = png_image()
        image.version = rollcall_png_image_version
        image.width = width
        image.height = height
        image.format = rollcall_png_format_rgb
        var size: png_alloc_size_t = 0
        #expect(png_image_write_to_memory(&image, nil, &size, 0, pixels, 0, nil) != 0)
        var encoded = [UInt8](repeating: 0, count: Int(size))
        #expect(png_image_write_to_memory(&image, &encoded, &size, 0, pixels, 0, nil) != 0)
        png_image_free(&image)

        var reader = png_image()
        reader.version = rollcall_png_image_version
        #expect(png_image_begin_read_from_memory(&reader, encoded, Int(size)) != 0)
        #expect(reader.width == width && reader.height == height)
        reader.format = rollcall_png_format_rgb
        var decoded = [UInt8](repeating: 0, count: rollcall_png_image_size(&reader))
        #expect(png_image_finish_read(&reader, nil, &decoded, 0, nil) != 0)
        #expect(decoded == pixels)
    }

    @Test func garbageIsReportedNotFatal() {
        var reader = png_image()
        reader.version = rollcall_png_image_version
        let garbage: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0]
        #expect(png_image_begin_read_from_memory(&reader, garbage, garbage.count) == 0)
        #expect(rollcall_png_failed(&reader) == 1)
        png_image_free(&reader)
    }
}
