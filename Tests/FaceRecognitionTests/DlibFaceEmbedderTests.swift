import Foundation
import Imaging
import ModelSupply
import Testing
@testable import FaceRecognition

@Suite struct DlibFaceEmbedderTests {
    static func chip() throws -> Image {
        // A 150×150 RGB chip with structure (the network's input size); the values need not be a face.
        var pixels = [UInt8](repeating: 0, count: 150 * 150 * 3)
        for y in 0 ..< 150 {
            for x in 0 ..< 150 {
                for c in 0 ..< 3 { pixels[(y * 150 + x) * 3 + c] = UInt8((x * 7 + y * 3 + c * 50 + (x * y) % 31) % 256) }
            }
        }
        return try Image(width: 150, height: 150, format: .rgb, pixels: pixels)
    }

    /// The two mirror passes run on two threads give exactly what they give one after the other, and the
    /// average is of the chip's and its mirror image's embeddings.
    @Test func concurrentMirrorPassesEqualSequentialOnes() throws {
        let store = try ModelStore.standard()
        let models = try DlibModels(network: store.url(for: "dlib-resnet"), shapePredictor: store.url(for: "dlib-shape-5"))
        let chip = try Self.chip()
        let sequential = try DlibFaceEmbedder(models: models, mirrorAverage: true).embedding(ofChip: chip)
        let concurrent = try DlibFaceEmbedder(models: models, mirrorAverage: true, concurrentMirror: true).embedding(ofChip: chip)
        #expect(concurrent == sequential)

        let single = DlibFaceEmbedder(models: models, mirrorAverage: false)
        let plain = try single.embedding(ofChip: chip)
        let flipped = try single.embedding(ofChip: try DlibFaceEmbedder.mirrored(chip))
        #expect(plain != flipped)
        #expect(sequential == zip(plain, flipped).map { ($0 + $1) / 2 })
    }
}
