import Foundation
import ModelSupply
import Neural
import Testing
@testable import FaceRecognition

@Suite struct DlibResNetTests {
    @Test func readsThePublishedModel() throws {
        let url = try ModelStore.standard().url(for: "dlib-resnet")
        let net = try DlibResNet(contentsOf: url)
        #expect(net.inputSize == 150)
        #expect(net.dimension == 128)
        #expect(net.trainingThreshold == 0.6)
        #expect(net.convolutions.count == 29)
        let floats = net.convolutions.reduce(0) { $0 + $1.weights.count + $1.bias.count } + net.fcWeights.count
        print("floats", floats)
    }
}
