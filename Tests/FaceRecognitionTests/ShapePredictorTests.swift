import Foundation
import Imaging
import ModelSupply
import Testing
import TestSupport
@testable import FaceRecognition

@Suite struct ShapePredictorTests {
    static let predictor: ShapePredictor? = try? ShapePredictor(contentsOf: ModelStore.standard().url(for: "dlib-shape-5"))

    @Test func readsThePublishedModel() throws {
        let predictor = try #require(Self.predictor)
        #expect(predictor.partCount == 5)
        #expect(predictor.file.levels.count > 1)
    }

    @Test(.needsSharedDatasets)
    func landmarksFromDlibsBoxMatchDlib() throws {
        let predictor = try #require(Self.predictor)
        var exact = 0
        var worst = 0.0
        let samples = try SharedData.dlibSamples()
        for (path, sample) in samples {
            let image = try SharedData.lfwImage(path)
            let b = sample.hog_box_ltrb
            let points = predictor.landmarks(in: image, box: DlibRectangle(left: b[0], top: b[1], right: b[2], bottom: b[3]))
            let error = zip(points, sample.landmarks5).map { max(abs(Double($0.x) - $1[0]), abs(Double($0.y) - $1[1])) }.max() ?? .infinity
            if error == 0 { exact += 1 }
            worst = max(worst, error)
        }
        print("shape predictor: \(exact)/\(samples.count) exact, worst \(worst) px")
        #expect(exact == samples.count)
    }
}
