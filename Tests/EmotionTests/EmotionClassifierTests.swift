@testable import Emotion
import Foundation
import Imaging
import KerasHDF5
import Neural
import Testing
import TestSupport

@Suite struct EmotionClassifierTests {
    struct Reference: Decodable {
        let labels: [String]
        let probs: [String: [Float]]
    }

    /// fer's own probabilities for 105 FER-2013 test faces (`refs/fer-fer2013-sample.json`), within 1e-4.
    @Test(.needsSharedDatasets, .needsSharedRefs)
    func matchesFerOnTheReferenceSample() throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: SharedData.refs.appendingPathComponent("fer-fer2013-sample.json")))
        #expect(reference.labels == EmotionLabel.allCases.map(\.name))
        #expect(reference.probs.count == 105)
        let classifier = try EmotionClassifier(modelPath: try EmotionTestSupport.modelPath())
        var worst: Float = 0
        for (name, expected) in reference.probs.sorted(by: { $0.key < $1.key }) {
            let face = try Image.load(contentsOf: EmotionTestSupport.fer2013 + "/" + name)
            let estimate = try classifier.classify(face: face)
            let error = zip(estimate.probabilities, expected).map { abs($0 - $1) }.max() ?? 1
            worst = max(worst, error)
            #expect(error <= 1e-4, "\(name): max |Δp| = \(error)")
        }
        print("mini-Xception vs fer: worst |Δp| = \(worst) over \(reference.probs.count) faces")
    }

    /// The plan run for fer's file has the layer listing `MiniXception` states.
    @Test func planMatchesTheLayerListing() throws {
        let classifier = try EmotionClassifier(modelPath: try EmotionTestSupport.modelPath())
        #expect(classifier.network.plan.graph.opCounts == MiniXception.layerListing)
        #expect(classifier.network.operationCount == MiniXception.layerListing.values.reduce(0, +))
    }

    @Test func refusesACropBelowSixteenPixels() throws {
        let classifier = try EmotionClassifier(modelPath: try EmotionTestSupport.modelPath())
        let tiny = try Image(width: 15, height: 40, format: .gray, pixels: (0 ..< 600).map { UInt8($0 % 256) })
        let error = try #require(throws: EmotionError.self) { try classifier.classify(face: tiny) }
        #expect(error.code == .faceTooSmall)
        let image = try Image(width: 100, height: 100, format: .gray, pixels: (0 ..< 10_000).map { UInt8($0 % 251) })
        let boxError = try #require(throws: EmotionError.self) {
            try classifier.classify(image: image, box: Rect(x: 10, y: 10, width: 12, height: 30))
        }
        #expect(boxError.code == .faceTooSmall)
    }

    @Test func refusesAnAllBlackImage() throws {
        let classifier = try EmotionClassifier(modelPath: try EmotionTestSupport.modelPath())
        let black = try Image(width: 48, height: 48, format: .gray)
        let error = try #require(throws: EmotionError.self) { try classifier.classify(face: black) }
        #expect(error.code == .blankImage)
        let frame = try Image(width: 320, height: 240, format: .rgb)
        let boxError = try #require(throws: EmotionError.self) {
            try classifier.classify(image: frame, box: Rect(x: 100, y: 80, width: 60, height: 70))
        }
        #expect(boxError.code == .blankImage)
    }

    @Test func refusesABoxOutsideTheImage() throws {
        let image = try Image(width: 100, height: 100, format: .gray, pixels: (0 ..< 10_000).map { UInt8($0 % 251) })
        let error = try #require(throws: EmotionError.self) {
            try EmotionClassifier.ferCrop(image: image, box: Rect(x: 400, y: 400, width: 50, height: 50))
        }
        #expect(error.code == .faceOutsideImage)
        #expect(throws: EmotionError.self) {
            try EmotionClassifier.ferCrop(image: image, box: Rect(x: .nan, y: 0, width: 50, height: 50))
        }
    }

    @Test func refusesACorruptedModelFileAtLoad() throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: try EmotionTestSupport.modelPath()))
        data = data.prefix(data.count / 3)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-fer-\(UInt32.random(in: 0 ... .max)).hdf5").path
        try data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: HDF5Error.self) { try EmotionClassifier(modelPath: path) }
        #expect(error.description.contains(path))
    }

    /// fer's crop: square the box (grow the short side, centred), add 10 px each side, fill outside the image
    /// with the mean of its bottom two rows, clip beyond the 40 px padding.
    @Test func cropsAsFerDoes() throws {
        // 60×50 image: value = x + y, bottom rows 48 and 49 → mean of (x + 48) and (x + 49) over x = 0…59.
        var pixels: [UInt8] = []
        for y in 0 ..< 50 { for x in 0 ..< 60 { pixels.append(UInt8(x + y)) } }
        let image = try Image(width: 60, height: 50, format: .gray, pixels: pixels)
        #expect(EmotionClassifier.bottomRowsMean(image) == 78)  // 78.0 exactly: (29.5 + 48.5)
        // Box 20×30 at (5, 4): squared to 30×30 at (0, 4); with offsets x −10…40, y −6…44.
        let crop = try EmotionClassifier.ferCrop(image: image, box: Rect(x: 5, y: 4, width: 20, height: 30))
        #expect(crop.width == 50 && crop.height == 50)
        #expect(crop.pixels[0] == 78)                 // (−10, −6): padding
        #expect(crop.pixels[10 * 50 + 10] == 4)       // image pixel (0, 4): x + y = 4
        #expect(crop.pixels[6 * 50 + 10] == 0)        // image pixel (0, 0)
        // A box near the corner: the crop is clipped where the 40 px padding ends.
        let corner = try EmotionClassifier.ferCrop(image: image, box: Rect(x: -45, y: -45, width: 40, height: 40))
        #expect(corner.width == 40 - 45 + 10 + 40 && corner.height == corner.width)
    }

    @Test(.needsSharedDatasets)
    func classifiesAFaceBoxOnAFullImage() throws {
        let classifier = try EmotionClassifier(modelPath: try EmotionTestSupport.modelPath())
        let happy = EmotionTestSupport.fer2013 + "/happy"
        let face = try Image.load(contentsOf: happy + "/" + (try FileManager.default.contentsOfDirectory(atPath: happy).sorted()[0]))
        // The face pasted in the middle of a larger gray frame, boxed tightly: the estimate must be a valid
        // distribution; the box path shares the network with the crop path.
        var frame = try Image(width: 160, height: 120, format: .gray)
        frame.withUnsafeMutablePixels { dst in
            for i in dst.indices { dst[i] = 90 }
            for y in 0 ..< 48 { for x in 0 ..< 48 { dst[(36 + y) * 160 + 56 + x] = face.pixels[y * 48 + x] } }
        }
        let estimate = try classifier.classify(image: frame, box: Rect(x: 56, y: 36, width: 48, height: 48))
        #expect(abs(estimate.probabilities.reduce(0, +) - 1) < 1e-4)
    }
}
