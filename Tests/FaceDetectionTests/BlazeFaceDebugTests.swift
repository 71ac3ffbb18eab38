import FaceDetection
import Foundation
import Imaging
import ModelSupply
import Testing

/// A handful of ORL images through the detector in-process, compared with MediaPipe's reference (the full
/// parity check over every image runs the release CLI: `BlazeFaceParityTests`).
@Suite struct BlazeFaceDebugTests {
    /// Reads a binary PGM (P5, maxval 255) — ORL's format — for this test only.
    static func readPGM(_ url: URL) throws -> Image {
        let bytes = [UInt8](try Data(contentsOf: url))
        var fields = [String](), i = 0
        while fields.count < 4 && i < bytes.count {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
            if i < bytes.count, bytes[i] == 0x23 {  // comment to end of line
                while i < bytes.count, bytes[i] != 0x0A { i += 1 }
                continue
            }
            var field = ""
            while i < bytes.count, !(bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09) {
                field.append(Character(UnicodeScalar(bytes[i]))); i += 1
            }
            fields.append(field)
        }
        i += 1
        guard fields.count == 4, fields[0] == "P5", let w = Int(fields[1]), let h = Int(fields[2]) else {
            throw ImagingError(.unsupportedFormat, detail: "not P5", path: url.path)
        }
        return try Image(width: w, height: h, format: .gray, pixels: Array(bytes[i..<(i + w * h)]))
    }

    @Test(arguments: BlazeFaceModel.allCases)
    func orlSampleMatchesMediaPipe(model: BlazeFaceModel) throws {
        guard TestPaths.hasDatasets else {
            print("skipping: \(TestPaths.datasets.path) is absent")
            return
        }
        let detector = try BlazeFaceDetector(model: model, modelURL: try ModelStore.standard().url(for: model.modelID))
        let reference = try loadReference("mediapipe-orl.json")
        for rel in ["s1/1.pgm", "s2/3.pgm", "s10/5.pgm", "s25/7.pgm", "s40/10.pgm"] {
            let image = try Self.readPGM(TestPaths.datasets.appendingPathComponent("orl").appendingPathComponent(rel))
            let faces = detector.detect(image)
            let expected = try #require(reference[rel]).faces(model)
            #expect(faces.count == expected.count, "\(rel) \(model)")
            for (face, ref) in zip(faces, expected) {
                let w = Float(image.width), h = Float(image.height)
                let refBox = Rect(x: ref.box[0] * w, y: ref.box[1] * h, width: ref.box[2] * w, height: ref.box[3] * h)
                print(rel, model, face.score, ref.score, face.box, refBox)
                #expect(face.box.iou(refBox) >= 0.9, "\(rel) \(model): \(face.box) vs \(refBox)")
                #expect(abs(face.score - ref.score) <= 0.02, "\(rel) \(model): score \(face.score) vs \(ref.score)")
                for k in 0..<6 {
                    let dx = face.keypoints[k].x - ref.keypoints[k][0] * w, dy = face.keypoints[k].y - ref.keypoints[k][1] * h
                    #expect((dx * dx + dy * dy).squareRoot() <= 0.02 * max(refBox.width, refBox.height), "\(rel) \(model) keypoint \(k)")
                }
            }
        }
    }
}

extension ReferenceEntry {
    func faces(_ model: BlazeFaceModel) -> [Face] { model == .short ? short : full }
}
