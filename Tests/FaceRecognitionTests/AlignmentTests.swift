import Foundation
import Imaging
import Testing
@testable import FaceRecognition

@Suite struct AlignmentTests {
    @Test func similarityRecoversAKnownTransform() {
        let truth = AffineTransform2D(a: 1.2 * cos(0.3), b: -1.2 * sin(0.3), c: 1.2 * sin(0.3), d: 1.2 * cos(0.3), tx: 5, ty: -7)
        let from = [Point2D(x: 0, y: 0), Point2D(x: 10, y: 2), Point2D(x: 3, y: 8), Point2D(x: -4, y: 5)]
        let fit = AffineTransform2D.similarity(from: from, to: from.map(truth.apply))
        for (p, q) in zip([fit.a, fit.b, fit.c, fit.d, fit.tx, fit.ty], [truth.a, truth.b, truth.c, truth.d, truth.tx, truth.ty]) {
            #expect(abs(p - q) < 1e-9)
        }
        let exact = AffineTransform2D.exact(from: Array(from.prefix(3)), to: from.prefix(3).map(truth.apply))
        #expect(exact.map { abs($0.tx - 5) < 1e-9 } == true)
        #expect(AffineTransform2D.exact(from: [Point2D(x: 0, y: 0), Point2D(x: 1, y: 1), Point2D(x: 2, y: 2)],
                                        to: from.prefix(3).map { $0 }) == nil)
    }

    @Test func chipOfAnUprightTemplateFaceIsTheTemplate() throws {
        // Landmarks placed exactly on the padded template of a 150 chip: identity map, angle 0, width 150.
        let s = 150.0, pad = 0.25
        let scale: Double = s / (1 + 2 * pad)
        let landmarks: [Point2D] = FaceChipPlacement.template.map { (t: Point2D) -> Point2D in
            Point2D(x: (pad + t.x) * scale, y: (pad + t.y) * scale)
        }
        let p = try FaceChipPlacement(landmarks: landmarks)
        #expect(abs(p.angle) < 1e-9)
        #expect(abs(p.width - 150) < 1e-9)
        // A gradient image sampled through the identity map comes back unchanged (inside the border).
        let pixels: [UInt8] = (0 ..< 200 * 200).map { (i: Int) -> UInt8 in UInt8((i % 200 + i / 200) % 256) }
        let image = try Image(width: 200, height: 200, format: .gray, pixels: pixels)
        let chip = try FaceChip.extract(from: image, placement: p)
        #expect(chip.width == 150)
        let chipValue: UInt8 = chip.pixels[10 * 150 + 20]
        let sourceValue: UInt8 = pixels[10 * 200 + 20]
        #expect(chipValue == sourceValue)
        #expect(throws: RecognitionError.self) { _ = try FaceChipPlacement(landmarks: Array(landmarks.prefix(4))) }
        let withNaN: [Point2D] = [Point2D(x: .nan, y: 0)] + Array(landmarks.dropFirst())
        #expect(throws: RecognitionError.self) { _ = try FaceChipPlacement(landmarks: withNaN) }
    }

    @Test func pyramidDownHalvesWithDlibsFilter() throws {
        let flat = try Image(width: 21, height: 13, format: .rgb, pixels: [UInt8](repeating: 200, count: 21 * 13 * 3))
        let down = try PyramidDown2.apply(flat)
        #expect(down.width == 9 && down.height == 5)
        #expect(down.pixels.allSatisfy { $0 == 200 })
        let r = PyramidDown2.rectDown((10, 20, 30, 40))
        #expect(r == (3.75, 9.25, 13.75, 19.25))
    }

    @Test func zeroExtendedAddMatchesItsReference() {
        let a = DlibResNet.Shape(height: 3, width: 3, channels: 2), b = DlibResNet.Shape(height: 4, width: 4, channels: 4)
        let x = (0 ..< a.count).map { Float($0) * 0.5 }, y = (0 ..< b.count).map { Float($0) - 20 }
        var out = [Float](repeating: .nan, count: b.count)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                out.withUnsafeMutableBufferPointer { op in
                    addZeroExtended(xp.baseAddress!, a, yp.baseAddress!, b, output: op.baseAddress!, b, activation: .none)
                }
            }
        }
        #expect(out == addZeroExtendedNaive(x, a, y, b))
    }
}
