/// MediaPipe's weighted non-maximum suppression (`NonMaxSuppressionCalculator`, algorithm WEIGHTED,
/// IoU overlap): repeatedly take the best remaining detection, gather every remaining detection whose IoU with
/// it exceeds `threshold` (itself included), and output the best one's score with box corners and keypoints
/// averaged over that group weighted by score. Output in descending score order.
public func weightedNonMaxSuppression(_ detections: [NormalizedDetection], threshold: Float) -> [NormalizedDetection] {
    var remaining = detections.indices.sorted { detections[$0].score > detections[$1].score }
    var output = [NormalizedDetection]()
    var candidates = [Int](), rest = [Int]()
    while !remaining.isEmpty {
        let best = detections[remaining[0]]
        candidates.removeAll(keepingCapacity: true)
        rest.removeAll(keepingCapacity: true)
        for i in remaining {
            if detections[i].iou(best) > threshold { candidates.append(i) } else { rest.append(i) }
        }
        var merged = best
        if !candidates.isEmpty {
            var total: Float = 0, xMin: Float = 0, yMin: Float = 0, xMax: Float = 0, yMax: Float = 0
            var keypoints = [Float](repeating: 0, count: best.keypoints.count)
            for i in candidates {
                let d = detections[i], s = d.score
                total += s
                xMin += d.xMin * s
                yMin += d.yMin * s
                // MediaPipe accumulates xmin + width, which is xMax up to rounding.
                xMax += (d.xMin + (d.xMax - d.xMin)) * s
                yMax += (d.yMin + (d.yMax - d.yMin)) * s
                for k in 0..<min(keypoints.count, d.keypoints.count) { keypoints[k] += d.keypoints[k] * s }
            }
            merged.xMin = xMin / total
            merged.yMin = yMin / total
            merged.xMax = xMax / total
            merged.yMax = yMax / total
            merged.keypoints = keypoints.map { $0 / total }
        }
        output.append(merged)
        if rest.count == remaining.count { break }
        swap(&remaining, &rest)
    }
    return output
}
