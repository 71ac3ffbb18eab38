import FaceDetection
import Foundation
import Imaging
import ModelSupply
import Testing
import TestSupport

/// A handful of ORL images through the detector in-process, compared with MediaPipe's reference (the full
/// parity check over every image runs the release CLI: `BlazeFaceParityTests`).
@Suite struct BlazeFaceDebugTests {
    @Test(.needsSharedDatasets, .needsSharedRefs, arguments: BlazeFaceModel.allCases)
    func orlSampleMatchesMediaPipe(model: BlazeFaceModel) throws {
        let detector = try BlazeFaceDetector(model: model, modelURL: try ModelStore.standard().url(for: model.modelID))
        let reference = try loadReference("mediapipe-orl.json")
        for rel in ["s1/1.pgm", "s2/3.pgm", "s10/5.pgm", "s25/7.pgm", "s40/10.pgm"] {
            let image = try Image.load(contentsOf: SharedData.dataset("orl").appendingPathComponent(rel).path)
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
