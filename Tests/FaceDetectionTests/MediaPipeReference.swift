import Foundation
import Imaging
import TestSupport

/// MediaPipe's reference detections (`refs/mediapipe-*.json`): relative coordinates.
struct ReferenceEntry: Decodable {
    struct Face: Decodable {
        let score: Float
        let box: [Float]
        let keypoints: [[Float]]
    }
    let size: [Int]
    let short: [Face]
    let full: [Face]
}

func loadReference(_ name: String) throws -> [String: ReferenceEntry] {
    try JSONDecoder().decode([String: ReferenceEntry].self, from: Data(contentsOf: SharedData.refs.appendingPathComponent(name)))
}
