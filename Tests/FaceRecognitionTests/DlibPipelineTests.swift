import FaceDetection
import Foundation
import Imaging
import ModelSupply
import Testing
import TestSupport
@testable import FaceRecognition
import Evaluation

/// The whole path from an LFW photo: BlazeFace → dlib alignment → ResNet, against dlib's own pipeline
/// (HOG box, 5-point landmarks, chip, ResNet) on dlib-lfw-sample.json, without the mirror averaging (dlib's
/// descriptors are of the chip alone).
///
/// dlib's landmarks are whole pixels and its chip follows them, so its descriptor moves by ~0.04 when its own
/// HOG box moves by a single pixel. In its dlib-parity mode the alignment snaps its box onto the lattice of boxes
/// the HOG detector can report (`HOGBoxLattice`), which reproduces dlib's box — and so its descriptor, to float rounding — for most
/// faces; where the HOG detector chose a neighbouring lattice box, the descriptor differs. This test pins what
/// the alignment reaches (see docs/performance.md, "Identity").
@Suite struct DlibPipelineTests {
    @Test(.needsSharedDatasets)
    func embeddingsFromThePhotoAreCloseToDlibs() throws {
        let store = try ModelStore.standard()
        let models = try DlibModels(network: store.url(for: "dlib-resnet"), shapePredictor: store.url(for: "dlib-shape-5"),
                                    options: DlibFaceAligner.Options(snapsToHOGLattice: true))
        let pipeline = IdentityPipeline(detector: try BlazeFaceDetector(model: .short, modelURL: store.url(for: "blazeface-short")),
                                        embedder: DlibFaceEmbedder(models: models, mirrorAverage: false))
        var distances = [Double]()
        for (path, sample) in try SharedData.dlibSamples() {
            let file = SharedData.datasets.appendingPathComponent("lfw-a").appendingPathComponent(path).path
            guard case .embedded(let e) = pipeline.run(path: file, choice: .mostCentral) else {
                Issue.record("\(path): no face")
                continue
            }
            distances.append(Double(euclideanDistance(e, sample.descriptor)))
        }
        distances.sort()
        let within = distances.filter { $0 <= 0.06 }.count
        print("from the photo: \(within)/\(distances.count) within 0.06 of dlib's descriptor, median \(distances[distances.count / 2]), max \(distances.last ?? 0)")
        #expect(distances.count == 50)
        #expect(distances[distances.count / 2] <= 1e-4)
        #expect(Double(within) >= 0.9 * Double(distances.count))
        #expect(distances.last ?? 1 < 0.3)
    }
}
