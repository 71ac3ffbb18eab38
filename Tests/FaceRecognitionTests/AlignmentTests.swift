import Foundation
import Imaging
import Testing
@testable import FaceRecognition

@Suite struct AlignmentTests {
    @Test func chipOfAnUprightTemplateFaceIsTheTemplate() throws {
        // Landmarks placed exactly on the padded template of a 150 chip: identity map, angle 0, width 150.
        let s = 150.0, pad = 0.25
        let landmarks: [Point] = FaceChipPlacement.template.map { (p: (x: Double, y: Double)) -> Point in
            let x: Double = (pad + p.x) / (1 + 2 * pad) * s
            let y: Double = (pad + p.y) / (1 + 2 * pad) * s
            return Point(x: Float(x), y: Float(y))
        }
        let p = try FaceChipPlacement(landmarks: landmarks)
        // The template in single precision (real landmarks are whole pixels, exact in it): the placement is
        // dlib's 150-wide rectangle (both ends counted) from 0.5 to 149.5, to within Float's rounding.
        #expect(abs(p.angle) < 1e-6)
        #expect(abs(p.width - 150) < 1e-4)
        #expect(abs(p.left - 0.5) < 1e-4 && abs(p.top - 0.5) < 1e-4)
        // So chip pixel (x, y) samples the image at (x + 0.5, y + 0.5): with that exact map, on the gradient
        // f(x, y) = x + y, bilinear sampling gives f + 1 (dlib's interpolate_bilinear, truncated).
        let pixels: [UInt8] = (0 ..< 200 * 200).map { (i: Int) -> UInt8 in UInt8((i % 200 + i / 200) % 256) }
        let image = try Image(width: 200, height: 200, format: .gray, pixels: pixels)
        let chip = try FaceChip.sample(image, map: .scaling(1, 1, translation: 0.5, 0.5), size: 150)
        #expect(chip.width == 150)
        #expect(chip.pixels[10 * 150 + 20] == pixels[10 * 200 + 20] + 1)
        #expect(chip.pixels[100 * 150 + 70] == pixels[100 * 200 + 70] + 1)
        let mapped = FaceChipPlacement.chipToImage(left: p.left, top: p.top, right: p.right, bottom: p.bottom, angle: 0,
                                                   size: 150).apply(x: 20, y: 10)
        #expect(abs(mapped.x - 20.5) < 1e-4 && abs(mapped.y - 10.5) < 1e-4)
        #expect(throws: RecognitionError.self) { _ = try FaceChipPlacement(landmarks: Array(landmarks.prefix(4))) }
        var broken = landmarks
        broken[0] = Point(x: .nan, y: 0)
        #expect(throws: RecognitionError.self) { _ = try FaceChipPlacement(landmarks: broken) }
        #expect(throws: RecognitionError.self) {
            _ = try FaceChipPlacement(landmarks: Array(repeating: Point(x: 40, y: 40), count: 5))
        }
    }

    @Test func pyramidDownHalvesWithDlibsFilter() throws {
        let flat = try Image(width: 21, height: 13, format: .rgb, pixels: [UInt8](repeating: 200, count: 21 * 13 * 3))
        let down = try PyramidDown2.apply(flat)
        #expect(down.width == 9 && down.height == 5)
        #expect(down.pixels.allSatisfy { $0 == 200 })
        let r = PyramidDown2.rectDown((10, 20, 30, 40))
        #expect(r == (3.75, 9.25, 13.75, 19.25))
    }
}
