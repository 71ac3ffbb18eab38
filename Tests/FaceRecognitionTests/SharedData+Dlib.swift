import Foundation
import Imaging
import TestSupport

/// The recognition tests' readers of the shared reference data (`SharedData` itself is TestSupport's).
extension SharedData {
    /// One sample of dlib-lfw-sample.json.
    struct DlibSample: Decodable {
        var hog_box_ltrb: [Int]
        var landmarks5: [[Double]]
        var chip_descriptor: [Float]
        var descriptor: [Float]
    }

    /// dlib's reference samples, sorted by image path.
    static func dlibSamples() throws -> [(path: String, sample: DlibSample)] {
        let data = try Data(contentsOf: refs.appendingPathComponent("dlib-lfw-sample.json"))
        let all = try JSONDecoder().decode([String: DlibSample].self, from: data)
        return all.keys.sorted().compactMap { key in all[key].map { (key, $0) } }
    }

    /// An LFW-a image, gray as cv2.IMREAD_GRAYSCALE reads it.
    static func lfwImage(_ relativePath: String) throws -> Image {
        try Image.load(contentsOf: datasets.appendingPathComponent("lfw-a").appendingPathComponent(relativePath).path,
                       options: DecodeOptions(format: .gray))
    }
}
