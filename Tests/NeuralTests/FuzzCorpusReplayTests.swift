import Foundation
import Neural
import Testing
import TestSupport

/// The model readers' fuzz seeds and regression inputs, replayed without the fuzzer (scripts/fuzz runs the
/// targets). The seeds are small hand-made models that read; regression inputs are refused, never a trap.
@Suite struct FuzzCorpusReplayTests {
    @Test func tfliteSeedsReadAndPlan() throws {
        let seeds = try FuzzInputs.files("tflite")
        #expect(seeds.count >= 3)
        for seed in seeds {
            let model = try TFLiteModel(bytes: [UInt8](seed.data))
            _ = try TFLiteInterpreter(model: model)
        }
        for input in try FuzzInputs.files("tflite", regressions: true) {
            if let model = try? TFLiteModel(bytes: [UInt8](input.data)) { _ = try? TFLiteInterpreter(model: model) }
        }
    }

    /// The dlib target's input: a shape predictor, or a network whose layer kinds the first bytes choose.
    static let layerKinds: [DlibLayerKind] = [.convolution, .affine, .relu, .maxPool, .avgPool, .fullyConnected,
                                              .addPrevious(tag: 1), .tag(1), .skip(1), .addPrevious(tag: 2), .tag(2)]

    static func readDlib(_ bytes: [UInt8]) -> (predictor: Bool, network: Bool) {
        var predictor = DlibReader(bytes: bytes)
        let readPredictor = (try? DlibShapePredictorFile(reading: &predictor)) != nil
        guard let count = bytes.first.map({ Int($0 % 12) }), bytes.count > count else { return (readPredictor, false) }
        let kinds = bytes[1 ..< 1 + count].map { layerKinds[Int($0) % layerKinds.count] }
        var network = DlibReader(bytes: Array(bytes[(1 + count)...]))
        return (readPredictor, (try? DlibNetworkFile(reading: &network, kinds: kinds)) != nil)
    }

    @Test func dlibSeedsRead() throws {
        let seeds = try FuzzInputs.files("dlib")
        #expect(seeds.count >= 3)
        for seed in seeds {
            let read = Self.readDlib([UInt8](seed.data))
            #expect(read.predictor || read.network, "\(seed.name)")
        }
        for input in try FuzzInputs.files("dlib", regressions: true) { _ = Self.readDlib([UInt8](input.data)) }
    }
}
