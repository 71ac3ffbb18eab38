// Frames and folders the Capture tests play.
import Foundation
import Imaging

enum CaptureFixtures {
    /// A distinct frame per index: a gradient with a bright square whose position depends on `index`.
    static func frame(_ index: Int, width: Int = 64, height: Int = 48) throws -> Image {
        try Image(width: width, height: height, format: .rgb) { out in
            for y in 0 ..< height {
                for x in 0 ..< width {
                    let i = (y * width + x) * 3
                    let inSquare = abs(x - (8 + index * 7) % width) < 6 && abs(y - height / 2) < 6
                    out[i] = inSquare ? 250 : UInt8(x * 255 / width)
                    out[i + 1] = inSquare ? 250 : UInt8(y * 255 / height)
                    out[i + 2] = UInt8((index * 40) % 256)
                }
            }
        }
    }

    /// A fresh empty temporary folder.
    static func temporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("rollcall-capture-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A JPEG whose APP1 segment embeds a complete thumbnail JPEG (SOI … EOI), as EXIF does: a naive
    /// "split at the first FF D9" would cut the frame there.
    static func jpegWithEmbeddedThumbnail(_ index: Int) throws -> [UInt8] {
        let main = try frame(index).jpegData(quality: 80)
        let thumbnail = try frame(index, width: 8, height: 8).jpegData(quality: 50)
        let payload = Array("Exif\0\0".utf8) + thumbnail
        let length = payload.count + 2
        let app1: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        return Array(main[0 ..< 2]) + app1 + Array(main[2...])
    }
}
