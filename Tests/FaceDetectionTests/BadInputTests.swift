import FaceDetection
import Foundation
import Imaging
import ModelSupply
import Neural
import Testing

/// Hostile and degenerate inputs: each gives a typed error or an empty result, never a crash.
@Suite struct BadInputTests {
    static let detector: BlazeFaceDetector? = try? BlazeFaceDetector(
        model: .short, modelURL: ModelStore.standard().url(for: "blazeface-short"))

    static func gradient(width: Int, height: Int) throws -> Image {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<pixels.count { pixels[i] = UInt8(truncatingIfNeeded: i * 7 / 3) }
        return try Image(width: width, height: height, format: .rgb, pixels: pixels)
    }

    @Test func tinyAndExtremeImagesGiveNoFaces() throws {
        let detector = try #require(Self.detector)
        for (w, h) in [(1, 1), (1, 2000), (2000, 1), (3, 2)] {
            let faces = detector.detect(try Self.gradient(width: w, height: h))
            #expect(faces.isEmpty, "\(w)×\(h)")
        }
        let gray = try Image(width: 1, height: 1, format: .gray, pixels: [200])
        #expect(detector.detect(gray).isEmpty)
    }

    @Test func zeroSizeImagesCannotExist() {
        #expect(throws: ImagingError.self) { try Image(width: 0, height: 10, format: .rgb, pixels: []) }
    }

    @Test func damagedFilesGiveTypedErrors() throws {
        let files = FaceFileDetection()
        let jpeg = Data(try JPEGEncoder().encode(try Self.gradient(width: 64, height: 48)))
        let png = Data(try PNGCodec.encode(try Self.gradient(width: 64, height: 48)))
        var rng = SystemRandomNumberGenerator()
        let random = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let cases: [(String, Data)] = [
            ("empty", Data()),
            ("truncated JPEG", jpeg.prefix(jpeg.count / 2)),
            ("JPEG header only", jpeg.prefix(20)),
            ("truncated PNG", png.prefix(png.count / 2)),
            ("PNG signature only", png.prefix(8)),
            ("random bytes", random),
            ("random bytes after a JPEG signature", Data([0xFF, 0xD8, 0xFF]) + random),
            ("random bytes after a PNG signature", png.prefix(8) + random),
            ("PGM with zero size", Data("P5\n0 0\n255\n".utf8)),
            ("PGM with short data", Data("P5\n10 10\n255\n".utf8) + Data([1, 2, 3])),
        ]
        for (name, data) in cases {
            do {
                _ = try files.decode(data)
                Issue.record("\(name): decoded without error")
            } catch {
                #expect(!error.description.isEmpty, "\(name)")
            }
        }
        // The intact files decode.
        #expect(try files.decode(jpeg).image.width == 64)
        #expect(try files.decode(png).image.height == 48)
    }

    @Test func hugeJPEGIsDownscaledAndFacesMapBackToItsPixels() throws {
        let detector = try #require(Self.detector)
        let big = try Image(width: 12000, height: 9000, format: .gray)
        let jpeg = Data(try JPEGEncoder().encode(big, quality: 50))
        let files = FaceFileDetection(maxPixels: 1 << 22)
        let (image, width, height) = try files.decode(jpeg)
        #expect(width == 12000 && height == 9000)
        #expect(image.width * image.height <= 1 << 22)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-huge-\(getpid()).jpg")
        try jpeg.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let report = try files.detect(url.path, with: detector)
        #expect(report.width == 12000 && report.height == 9000 && report.faces.isEmpty)
    }

    @Test func corruptedModelFilesAreRefusedAtLoad() throws {
        let url = try ModelStore.standard().url(for: "blazeface-short")
        let bytes = try Data(contentsOf: url)
        let dir = FileManager.default.temporaryDirectory
        let cases: [(String, Data)] = [
            ("truncated", bytes.prefix(bytes.count / 3)),
            ("zeroed header", Data(count: 64) + bytes.dropFirst(64)),
            ("empty", Data()),
        ]
        for (name, data) in cases {
            let path = dir.appendingPathComponent("rollcall-bad-\(getpid())-\(name.replacingOccurrences(of: " ", with: "-")).tflite")
            try data.write(to: path)
            defer { try? FileManager.default.removeItem(at: path) }
            do {
                _ = try BlazeFaceDetector(model: .short, modelURL: path)
                Issue.record("\(name): loaded")
            } catch {
                #expect(error.path == path.path, "\(name): \(error)")
                #expect([.malformedModel, .shapeMismatch, .unsupportedOperator].contains(error.code), "\(name): \(error)")
            }
        }
        // The right file for the wrong variant is refused by shape.
        #expect(throws: NeuralError.self) { try BlazeFaceDetector(model: .full, modelURL: url) }
    }

    @Test func detectorIsUsableFromSeveralThreads() async throws {
        let detector = try #require(Self.detector)
        let image = try Self.gradient(width: 320, height: 240)
        let expected = detector.detect(image)
        let results = await withTaskGroup(of: [DetectedFace].self) { group in
            for _ in 0..<4 { group.addTask { detector.detect(image) } }
            return await group.reduce(into: [[DetectedFace]]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}
