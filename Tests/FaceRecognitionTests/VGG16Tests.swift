import FaceDetection
import Foundation
import Imaging
import KerasHDF5
import Neural
import TestSupport
import Testing
@testable import Evaluation
@testable import FaceRecognition

/// Fast checks of the VGG16 backbone's parts; the full 224×224 parity with PyTorch runs in the release CLI
/// (`VGG16ReleaseTests`).
@Suite struct VGG16Tests {

    struct Reference: Decodable {
        let first_weights_t0: [Float]
        let input_first4: [Float]
    }

    @Test(.needsSharedRefs)
    func hashStreamMatchesTheReferenceDefinition() throws {
        let path = SharedData.refs.appendingPathComponent("vgg16-hash-weights.json")
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: path))
        // features.0.weight (t = 0, fan_in 27), first four values in PyTorch's flat OIHW order.
        let weights = VGG16Hash.values(stream: 0, count: 4, scale: (6.0 / 27).squareRoot())
        #expect(weights == reference.first_weights_t0)
        // The input's first four values are channel 0, row 0, columns 0…3 → HWC positions 0, 3, 6, 9.
        let input = VGG16Hash.input()
        #expect([input[0], input[3], input[6], input[9]] == reference.input_first4)
    }

    @Test func convertsPyTorchLayouts() {
        // 2 output, 3 input channels: OIHW value (o, i, k) = 100·o + 10·i + k.
        var oihw: [Float] = []
        for o in 0 ..< 2 { for i in 0 ..< 3 { for k in 0 ..< 9 { oihw.append(Float(100 * o + 10 * i + k)) } } }
        let hwio = VGG16Weights.hwioFromOIHW(oihw, out: 2, in: 3)
        #expect(hwio[(4 * 3 + 2) * 2 + 1] == 124)  // k 4, i 2, o 1
        let matrix: [Float] = [1, 2, 3, 4, 5, 6]  // 2×3
        #expect(VGG16Weights.transpose(matrix, rows: 2, columns: 3) == [1, 4, 2, 5, 3, 6])
        // fc6: out 1, channels 2, spatial 3 — PyTorch input index c·3 + s → ours s·2 + c.
        let flatten = VGG16Weights.inOutFromTorchFlatten([0, 1, 2, 10, 11, 12], out: 1, channels: 2, spatial: 3)
        #expect(flatten == [0, 10, 1, 11, 2, 12])
    }

    @Test func refusesWeightsOfTheWrongShape() {
        let conv = VGG16Weights.Convolution(inChannels: 3, outChannels: 64, weights: [0], bias: [])
        #expect(throws: NeuralError.self) { try VGG16Weights(convolutions: [conv], dense: []) }
    }

    @Test func refusesADamagedKerasFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-vgg-\(UInt32.random(in: 0 ... .max)).h5").path
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: HDF5Error.self) { try VGG16Weights(kerasFile: path) }
    }

    @Test func preprocessesPerWeightSource() throws {
        let image = try Imaging.Image(width: 2, height: 2, format: .rgb, pixels: [UInt8](repeating: 0, count: 4 * 3).enumerated().map { index, _ in
            index % 3 == 0 ? 200 : (index % 3 == 1 ? 100 : 50)
        })
        let caffe = VGG16Preprocessing.imagenetCaffe.input(from: image)
        #expect(caffe.count == 224 * 224 * 3)
        #expect(abs(caffe[0] - (50 - 103.939)) < 1e-3)   // B first
        #expect(abs(caffe[2] - (200 - 123.68)) < 1e-3)   // R last
        let face = VGG16Preprocessing.vggFace.input(from: image)
        #expect(abs(face[0] - 50 / 255) < 1e-6)
    }
}

/// A tiny deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func nextFloat() -> Float {
        state &+= 1
        return Float(VGG16Hash.splitmix64(state) >> 40) / 16_777_216 * 2 - 1
    }
}

/// The VGG16 face chip: the eyes and the mouth centre land where `VGG16FaceEmbedder.canonical` puts them.
@Suite struct VGG16FaceChipTests {
    @Test func keypointsLandOnTheCanonicalPositions() throws {
        // A gray image with three bright 5×5 marks at a tilted face's eyes and mouth centre.
        let size = 400
        var pixels = [UInt8](repeating: 0, count: size * size)
        let marks: [(x: Int, y: Int)] = [(150, 170), (250, 150), (210, 260)]   // right eye, left eye, mouth
        for m in marks {
            for dy in -2 ... 2 { for dx in -2 ... 2 { pixels[(m.y + dy) * size + m.x + dx] = 255 } }
        }
        let image = try Image(width: size, height: size, format: .gray, pixels: pixels)
        // Keypoints are corner-based (a pixel's centre at +0.5), in MediaPipe's order.
        let point = { (m: (x: Int, y: Int)) in Point(x: Float(m.x) + 0.5, y: Float(m.y) + 0.5) }
        let face = DetectedFace(score: 0.9, box: Rect(x: 120, y: 100, width: 180, height: 200),
                                keypoints: [point(marks[0]), point(marks[1]), point(marks[2]), point(marks[2]),
                                            Point(x: 110, y: 180), Point(x: 300, y: 160)])
        let chip = try VGG16FaceEmbedder.chip(of: image, face: face)
        #expect(chip.width == 224 && chip.height == 224)
        // The similarity fits three points by least squares, so the marks land near, not exactly on, their targets.
        for (target, name) in zip(VGG16FaceEmbedder.canonical, ["right eye", "left eye", "mouth"]) {
            let x = Int(target.x * 224), y = Int(target.y * 224)
            var brightest = 0
            for dy in -4 ... 4 { for dx in -4 ... 4 { brightest = max(brightest, Int(chip.pixels[(y + dy) * 224 + x + dx])) } }
            #expect(brightest > 128, "\(name): no mark near (\(x), \(y))")
        }
        // And nothing bright far from them (the corner of the chip is background).
        #expect(chip.pixels[5 * 224 + 5] == 0)
    }

    @Test func degenerateKeypointsAreRefused() throws {
        let image = try Image(width: 64, height: 64, format: .gray, pixels: [UInt8](repeating: 9, count: 64 * 64))
        let same = Point(x: 30, y: 30)
        let face = DetectedFace(score: 0.9, box: Rect(x: 10, y: 10, width: 40, height: 40), keypoints: Array(repeating: same, count: 6))
        #expect(throws: RecognitionError.self) { try VGG16FaceEmbedder.chip(of: image, face: face) }
    }
}
