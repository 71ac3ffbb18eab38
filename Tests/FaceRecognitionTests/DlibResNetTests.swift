import Foundation
import Imaging
import ModelSupply
import Neural
import Testing
import TestSupport
@testable import FaceRecognition

@Suite struct DlibResNetTests {
    static let net: DlibResNet? = try? DlibResNet(contentsOf: ModelStore.standard().url(for: "dlib-resnet"))

    @Test func readsThePublishedModel() throws {
        let net = try #require(Self.net)
        #expect(net.inputSize == 150)
        #expect(net.dimension == 128)
        #expect(net.trainingThreshold == 0.6)
        #expect(net.plan.graph.opCounts == DlibResNet.layerListing)
    }

    @Test(.needsSharedDatasets)
    func chipEmbeddingMatchesDlib() throws {
        let net = try #require(Self.net)
        let workspace = net.makeWorkspace()
        var worst: Float = 0
        var count = 0
        for (path, sample) in try SharedData.dlibSamples() {
            let image = try SharedData.lfwImage(path)
            let placement = try FaceChipPlacement(landmarks: sample.landmarks5.map { Point(x: Float($0[0]), y: Float($0[1])) })
            let chip = try FaceChip.extract(from: image, placement: placement)
            let embedding = try net.embedding(of: chip, workspace: workspace)
            let diff = zip(embedding, sample.chip_descriptor).map { abs($0 - $1) }.max() ?? .infinity
            #expect(diff <= 1e-4, "\(path): max |Δ| \(diff)")
            worst = max(worst, diff)
            count += 1
        }
        #expect(count == 50)
        print("dlib chip parity: \(count) samples, max |Δ| \(worst)")
    }
}
