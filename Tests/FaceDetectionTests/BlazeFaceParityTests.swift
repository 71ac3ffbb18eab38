import FaceDetection
import Foundation
import Imaging
import Testing
import TestSupport

/// Parity with MediaPipe 0.10.14 over every image of `celeba-dev` and `orl`, both models, through the release CLI
/// (`$ROLLCALL_BIN detect`): ≥ 99 % of reference faces matched with IoU ≥ 0.9, score within 0.02 and every
/// keypoint within 2 % of the box size (its larger side); ≤ 1 % extra faces (faces of ours that overlap no
/// reference face, counted against the number of reference faces).
@Suite struct BlazeFaceParityTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let dataset: String
        let reference: String
        let model: BlazeFaceModel
        var testDescription: String { "\(dataset) \(model.rawValue)" }
    }

    static let cases: [Case] = [
        Case(dataset: "celeba-dev", reference: "mediapipe-celeba-dev.json", model: .short),
        Case(dataset: "celeba-dev", reference: "mediapipe-celeba-dev.json", model: .full),
        Case(dataset: "orl", reference: "mediapipe-orl.json", model: .short),
        Case(dataset: "orl", reference: "mediapipe-orl.json", model: .full),
    ]

    struct Line: Decodable {
        struct Face: Decodable {
            let score: Float
            let box: [Float]
            let keypoints: [[Float]]
        }
        let path: String
        let width: Int?
        let height: Int?
        let faces: [Face]?
        let error: String?
    }

    @Test(.needsSharedDatasets, .needsSharedRefs, .needsReleaseCLI, arguments: cases)
    func matchesMediaPipe(_ c: Case) throws {
        let root = SharedData.dataset(c.dataset)
        // Exit status ignored: a file that fails is reported on its own line and counted below.
        let output = try ReleaseCLI.run(["detect", "--model", c.model.rawValue, root.path]).standardOutput
        var ours: [String: Line] = [:]
        for line in output.split(separator: "\n") {
            let parsed = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
            let rel = parsed.path.hasPrefix(root.path + "/") ? String(parsed.path.dropFirst(root.path.count + 1)) : parsed.path
            ours[rel] = parsed
        }
        let reference = try loadReference(c.reference)
        var total = 0, matched = 0, extra = 0
        var failures = [String]()
        for (rel, entry) in reference.sorted(by: { $0.key < $1.key }) {
            let expected = entry.faces(c.model)
            total += expected.count
            guard let line = ours[rel], let faces = line.faces, let w = line.width, let h = line.height else {
                failures.append("\(rel): \(ours[rel]?.error ?? "missing from the output")")
                continue
            }
            let (W, H) = (Float(w), Float(h))
            var used = Set<Int>()
            for ref in expected {
                let refBox = Rect(x: ref.box[0] * W, y: ref.box[1] * H, width: ref.box[2] * W, height: ref.box[3] * H)
                let candidates = faces.indices.filter { !used.contains($0) }
                guard let best = candidates.max(by: { box(faces[$0]).iou(refBox) < box(faces[$1]).iou(refBox) }) else {
                    failures.append("\(rel): reference face at \(refBox) not found")
                    continue
                }
                let face = faces[best]
                let iou = box(face).iou(refBox)
                let size = max(refBox.width, refBox.height)
                let keypointError = (0..<6).map { k -> Float in
                    let dx = face.keypoints[k][0] - ref.keypoints[k][0] * W, dy = face.keypoints[k][1] - ref.keypoints[k][1] * H
                    return (dx * dx + dy * dy).squareRoot()
                }.max() ?? .infinity
                if iou >= 0.9, abs(face.score - ref.score) <= 0.02, keypointError <= 0.02 * size {
                    matched += 1
                    used.insert(best)
                } else {
                    failures.append("\(rel): IoU \(iou), score \(face.score) vs \(ref.score), keypoint error \(keypointError / size)")
                }
            }
            // Extra: a face of ours overlapping no reference face (IoU < 0.5 with all of them).
            let refBoxes = expected.map { Rect(x: $0.box[0] * W, y: $0.box[1] * H, width: $0.box[2] * W, height: $0.box[3] * H) }
            extra += faces.filter { f in refBoxes.allSatisfy { box(f).iou($0) < 0.5 } }.count
        }
        let matchRate = Double(matched) / Double(max(total, 1)), extraRate = Double(extra) / Double(max(total, 1))
        print("parity \(c.testDescription): \(matched)/\(total) reference faces matched (\(matchRate * 100) %), "
              + "\(extra) extra (\(extraRate * 100) %); first mismatches: \(failures.prefix(5))")
        #expect(total > 0)
        #expect(matchRate >= 0.99, "\(c.testDescription): \(failures.prefix(10))")
        #expect(extraRate <= 0.01, "\(c.testDescription): \(extra) extra faces")
    }

    func box(_ f: Line.Face) -> Rect { Rect(x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3]) }

}
