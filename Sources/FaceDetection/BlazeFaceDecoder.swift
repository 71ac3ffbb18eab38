// Decoding BlazeFace's raw outputs as MediaPipe's TensorsToDetectionsCalculator does with the face detection
// graph's options: 16 coordinates per anchor in (x, y, w, h) order ("reverse_output_order"), box at offset 0,
// 6 keypoints × 2 from offset 4, all divided by the input size and offset by the anchor centre (fixed anchor
// size 1); score = sigmoid(raw clipped to ±100); detections below the minimum score, or with a negative width
// or height, are dropped.

/// Decodes `regressors` (anchors × 16) and `classificators` (anchors × 1) into detections with score ≥
/// `minScore`, in normalised input-tensor coordinates, appending to `into` (kept to avoid per-frame allocation).
func decodeBlazeFace(regressors: UnsafeBufferPointer<Float>, classificators: UnsafeBufferPointer<Float>,
                     anchors: [SSDAnchor], scale: Float, minScore: Float, into detections: inout [NormalizedDetection]) {
    // sigmoid(x) ≥ minScore ⇔ x ≥ logit(minScore): skip the exp for the (many) hopeless anchors.
    let logitThreshold: Float = minScore <= 0 ? -.infinity : minScore >= 1 ? .infinity : Float.log(minScore / (1 - minScore)) - 1e-4
    for i in 0..<anchors.count {
        let raw = min(max(classificators[i], -100), 100)
        guard raw >= logitThreshold else { continue }
        let score = sigmoid(raw)
        guard score >= minScore else { continue }
        let r = regressors.baseAddress! + i * 16
        let anchor = anchors[i]
        let xCenter = r[0] / scale + anchor.x, yCenter = r[1] / scale + anchor.y
        let w = r[2] / scale, h = r[3] / scale
        let yMin = yCenter - h / 2, xMin = xCenter - w / 2, yMax = yCenter + h / 2, xMax = xCenter + w / 2
        let width = xMax - xMin, height = yMax - yMin
        guard width >= 0, height >= 0 else { continue }
        var keypoints = [Float](repeating: 0, count: 12)
        for k in 0..<6 {
            keypoints[2 * k] = r[4 + 2 * k] / scale + anchor.x
            keypoints[2 * k + 1] = r[4 + 2 * k + 1] / scale + anchor.y
        }
        detections.append(NormalizedDetection(score: score, xMin: xMin, yMin: yMin, xMax: xMax, yMax: yMax,
                                              keypoints: keypoints))
    }
}

import Neural
#if canImport(Glibc)
import Glibc
extension Float {
    static func log(_ x: Float) -> Float { Glibc.logf(x) }
}
#else
import Foundation
extension Float {
    static func log(_ x: Float) -> Float { Foundation.log(x) }
}
#endif
