import FaceDetection
import Foundation
import ModelSupply
import Testing

/// Each BlazeFace file compiles to the plan its layer listing states (op kinds and counts after fusion).
@Suite struct BlazeFaceListingTests {
    @Test(arguments: BlazeFaceModel.allCases)
    func planMatchesTheLayerListing(model: BlazeFaceModel) throws {
        let detector = try BlazeFaceDetector(model: model, modelURL: ModelStore.standard().url(for: model.modelID))
        #expect(detector.layerCounts == model.layerListing)
    }
}
