import FaceDetection
import Imaging
import Testing
@testable import FaceRecognition

/// A frontal face: box at (x, y) of `size`, keypoints where a frontal face has them (MediaPipe order).
private func face(x: Float, y: Float, size: Float = 80, score: Float = 0.9) -> DetectedFace {
    let k: [(Float, Float)] = [(0.3, 0.4), (0.7, 0.4), (0.5, 0.6), (0.5, 0.8), (0, 0.45), (1, 0.45)]
    return DetectedFace(score: score, box: Rect(x: x, y: y, width: size, height: size),
                        keypoints: k.map { Point(x: x + $0.0 * size, y: y + $0.1 * size) })
}

@Suite struct FaceQualityTests {
    @Test func frontalFaceScoresHigherThanProfileOrRolled() {
        let frontal = face(x: 0, y: 0, size: 100).keypoints
        #expect(FaceQuality.frontalness(frontal) > 0.95)
        var profile = frontal
        profile[2].x = 85   // nose towards the left ear
        profile[5].x = 90
        #expect(FaceQuality.frontalness(profile) < 0.4)
        // The same frontal face rolled by 45°.
        let rolled = frontal.map { p in Point(x: 0.7071 * p.x - 0.7071 * p.y, y: 0.7071 * p.x + 0.7071 * p.y) }
        let rolledScore = FaceQuality.frontalness(rolled)
        #expect(rolledScore > 0.3 && rolledScore < 0.6)
        #expect(FaceQuality.frontalness([]) == 0)
    }

    @Test func sharpTextureBeatsBlurAndFlat() throws {
        let size = 128
        var sharp = [UInt8](repeating: 0, count: size * size)
        var blurred = sharp
        for y in 0..<size {
            for x in 0..<size {
                sharp[y * size + x] = (x / 4 + y / 4) % 2 == 0 ? 220 : 30          // fine checkerboard
                blurred[y * size + x] = UInt8(125 + 60 * sin(Double(x) / 20))       // smooth gradient
            }
        }
        let box = Rect(x: 0, y: 0, width: Float(size), height: Float(size))
        let sharpImage = try Image(width: size, height: size, format: .gray, pixels: sharp)
        let blurImage = try Image(width: size, height: size, format: .gray, pixels: blurred)
        let flatImage = try Image(width: size, height: size, format: .gray)
        let s = Sharpness.laplacianVariance(of: sharpImage, in: box)
        let b = Sharpness.laplacianVariance(of: blurImage, in: box)
        #expect(s > 1000)
        #expect(b < 10)
        #expect(Sharpness.laplacianVariance(of: flatImage, in: box) == 0)
        // Boxes partly or wholly outside the image are clamped, never read out of bounds.
        #expect(Sharpness.laplacianVariance(of: sharpImage, in: Rect(x: -50, y: 100, width: 400, height: 400)) >= 0)
        #expect(Sharpness.laplacianVariance(of: sharpImage, in: Rect(x: 500, y: 500, width: 10, height: 10)) == 0)
    }

    @Test func overallQualityRewardsBigSharpFrontalFaces() throws {
        let size = 200
        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        for i in 0..<(size * size) { pixels[3 * i] = UInt8((i * 37) % 251); pixels[3 * i + 1] = 90; pixels[3 * i + 2] = 40 }
        let image = try Image(width: size, height: size, format: .rgb, pixels: pixels)
        let big = FaceQuality(face: face(x: 20, y: 20, size: 150), in: image)
        let small = FaceQuality(face: face(x: 20, y: 20, size: 30, score: 0.6), in: image)
        #expect(big.size == 1)
        #expect(big.overall > small.overall)
        #expect((0...1).contains(big.overall) && (0...1).contains(small.overall))
    }
}

import Foundation
