import FaceDetection
import Imaging
import Neural
import RollcallCore
import Testing

@Suite struct LetterboxTests {
    @Test func wideImageIsPaddedTopAndBottom() throws {
        let box = Letterbox(imageWidth: 640, imageHeight: 480)
        #expect(box.side == 640 && box.left == 0 && box.top == -80)
        let p = box.project(x: 0.5, y: 0.5)
        #expect(p.x == 320 && p.y == 240)
        let corner = box.project(x: 0, y: 0)
        #expect(corner.x == 0 && corner.y == -80)
    }

    @Test func tensorHoldsScaledPixelsAndZeroBorder() throws {
        // A 4×2 gray image, values 0…255 ramp; tensor 4×4: rows 0 and 3 lie in the letterbox border.
        let pixels: [UInt8] = [0, 85, 170, 255, 0, 85, 170, 255]
        let image = try Image(width: 4, height: 2, format: .gray, pixels: pixels)
        let box = Letterbox(imageWidth: 4, imageHeight: 2)
        var tensor = [Float](repeating: .nan, count: 4 * 4 * 3)
        box.fill(&tensor, size: 4, from: image)
        // Scale 1, top −1: tensor row 1 samples image row 0 exactly; gray is replicated to RGB.
        for x in 0..<4 {
            let expected = Float(pixels[x]) * 2 / 255 - 1
            #expect(abs(tensor[(1 * 4 + x) * 3] - expected) < 1e-6)
            #expect(tensor[(1 * 4 + x) * 3] == tensor[(1 * 4 + x) * 3 + 2])
            #expect(tensor[(0 * 4 + x) * 3] == -1)
            #expect(tensor[(3 * 4 + x) * 3] == -1)
        }
    }

    @Test func halfPixelSamplesAreRoundedLikeOpenCV() throws {
        // 2×1 RGB image (0 and 255) onto a 4-wide tensor: source x = 0, 0.5, 1, 1.5.
        let image = try Image(width: 2, height: 1, format: .rgb, pixels: [0, 0, 0, 255, 255, 255])
        let box = Letterbox(imageWidth: 2, imageHeight: 1)
        var tensor = [Float](repeating: .nan, count: 4 * 4 * 3)
        box.fill(&tensor, size: 4, from: image)
        // Rows: source y = −0.5 + 0.5·row → row 1 is y = 0 exactly.
        let row = Array(tensor[(1 * 4) * 3 ..< (2 * 4) * 3]).enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        // x = 0.5 → (0 + 255)/2 = 127.5 → 128 (fixed-point rounding); x = 1.5 → half of 255 (right neighbour outside) → 128.
        let bytes = row.map { (($0 + 1) * 255 / 2).rounded() }
        #expect(bytes == [0, 128, 255, 128])
    }

    /// `fill` in every instruction set against `fillReference`, bit for bit: gray and RGB images of odd sizes, the
    /// whole-image letterbox and tiles reaching past every edge (so runs of inside cells of every length, and
    /// gathers that would end at the image's last byte), up- and downsampled.
    @Test(arguments: [Image.Format.rgb, .gray])
    func fillGivesTheReferenceBytesOnRandomImagesAndRegions(format: Image.Format) throws {
        var rng = SplitMix64(seed: 0x1e77_e7b0)
        for trial in 0..<60 {
            let width = 1 + Int(rng.next() % 97), height = 1 + Int(rng.next() % 89)
            let pixels = (0..<width * height * format.channels).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let image = try Image(width: width, height: height, format: format, pixels: pixels)
            // The whole-image letterbox, and tiles that reach past every edge.
            let box = trial % 4 == 0 ? Letterbox(imageWidth: width, imageHeight: height)
                : Letterbox(left: Float(Int(rng.next() % 60)) - 30 + 0.37, top: Float(Int(rng.next() % 60)) - 30,
                            side: 1 + Float(rng.next() % 120) + 0.5, imageWidth: width, imageHeight: height)
            let size = 1 + Int(rng.next() % 70)
            var reference = [Float](repeating: .nan, count: size * size * 3)
            box.fillReference(&reference, size: size, from: image)
            for isa in InstructionSet.supported {
                var fast = [Float](repeating: .nan, count: size * size * 3)
                box.fill(&fast, size: size, from: image, isa: isa)
                #expect(fast == reference, "trial \(trial) \(isa): \(width)×\(height) \(format), region \(box), tensor \(size)")
            }
        }
    }
}
