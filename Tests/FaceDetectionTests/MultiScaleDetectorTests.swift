import FaceDetection
import Foundation
import Imaging
import ModelSupply
import Testing

/// Whole-image detection down to small faces: tile layout, and the composed detector on frames made from the
/// pinned demo photo (a face pasted small into a 640×360 frame).
@Suite struct MultiScaleDetectorTests {
    static let detectors: (short: BlazeFaceDetector, full: BlazeFaceDetector)? = {
        guard let store = try? ModelStore.standard(),
              let short = try? BlazeFaceDetector(model: .short, modelURL: store.url(for: "blazeface-short")),
              let full = try? BlazeFaceDetector(model: .full, modelURL: store.url(for: "blazeface-full"))
        else { return nil }
        return (short, full)
    }()
    static let demo: Image? = (try? ModelStore.standard().url(for: "demo-obama")).flatMap {
        try? Image.load(contentsOf: $0.path, options: DecodeOptions(format: .rgb))
    }
    static var haveModels: Bool { detectors != nil && demo != nil }

    @Test func tilesCoverA640x360FrameWithThreeOverlappingSquares() {
        // 360-px tiles (a 40-px face becomes 21 px of the 192-px input) overlapping by at least a quarter.
        let tiles = MultiScaleFaceDetector.tiles(width: 640, height: 360, options: .init())
        #expect(tiles.map(\.left) == [0, 140, 280])
        #expect(tiles.allSatisfy { $0.top == 0 && $0.side == 360 })
    }

    @Test func largeFramesAreTiledWithinTheLimitAndSmallOnesNotAtAll() {
        let options = MultiScaleFaceDetector.Options()
        #expect(MultiScaleFaceDetector.tiles(width: 250, height: 250, options: options).isEmpty)
        #expect(MultiScaleFaceDetector.tiles(width: 360, height: 360, options: options).isEmpty)
        for (w, h) in [(1280, 720), (1920, 1080), (4000, 3000), (4000, 50)] {
            let tiles = MultiScaleFaceDetector.tiles(width: w, height: h, options: options)
            #expect(tiles.count >= 2 && tiles.count <= options.maxTiles, "\(w)×\(h): \(tiles.count)")
            // Every point of the image lies in some tile.
            for (x, y) in [(0, 0), (w - 1, h - 1), (w / 2, h / 2), (w - 1, 0), (0, h - 1)] {
                #expect(tiles.contains { Float(x) >= $0.left && Float(x) < $0.left + $0.side
                                            && Float(y) >= $0.top && Float(y) < $0.top + $0.side } || h < 192,
                        "\(w)×\(h): (\(x), \(y)) uncovered")
            }
        }
    }

    /// A 640×360 frame (grey-green background) with the demo face pasted so that its detected box is `width`
    /// pixels wide with its centre at `center`; returns the frame and where the face box went.
    static func frame(faceWidth width: Float, at center: Point, into base: Image? = nil) throws -> (Image, Rect) {
        let (short, _) = try #require(detectors)
        let photo = try #require(demo)
        let box = try #require(short.detect(photo).first).box
        let scale = width / box.width
        let scaled = try photo.resized(width: max(1, Int(Float(photo.width) * scale)), height: max(1, Int(Float(photo.height) * scale)),
                                       method: .area)
        var frame = try base ?? Image(width: 640, height: 360, format: .rgb, filling: { buffer in
            for i in 0 ..< buffer.count { buffer[i] = [90, 120, 100][i % 3] }
        })
        // Paste the scaled photo so that the face centre lands on `center`.
        let ox = Int((center.x - box.center.x * scale).rounded()), oy = Int((center.y - box.center.y * scale).rounded())
        scaled.withUnsafePixels { src in
            frame.withUnsafeMutablePixels { dst in
                for y in 0 ..< scaled.height where oy + y >= 0 && oy + y < 360 {
                    for x in 0 ..< scaled.width where ox + x >= 0 && ox + x < 640 {
                        for c in 0 ..< 3 { dst[((oy + y) * 640 + ox + x) * 3 + c] = src[(y * scaled.width + x) * 3 + c] }
                    }
                }
            }
        }
        let placed = Rect(x: center.x - box.width * scale / 2, y: center.y - box.height * scale / 2,
                          width: box.width * scale, height: box.height * scale)
        return (frame, placed)
    }

    @Test(.enabled(if: haveModels), arguments: [40, 48, 64] as [Float])
    func findsSmallFacesTheShortRangeModelMisses(width: Float) throws {
        let (short, full) = try #require(Self.detectors)
        let detector = MultiScaleFaceDetector(short: short, full: full)
        for center in [Point(x: 120, y: 100), Point(x: 330, y: 200), Point(x: 560, y: 290)] {
            let (frame, truth) = try Self.frame(faceWidth: width, at: center)
            #expect(short.detect(frame).isEmpty, "the short-range model alone finds the \(width)-px face")
            let faces = detector.detect(frame)
            #expect(faces.count == 1, "\(width)-px face at \(center): \(faces.map(\.box))")
            #expect(faces.contains { $0.box.iou(truth) > 0.5 }, "\(width)-px face at \(center): \(faces.map(\.box)) vs \(truth)")
        }
    }

    @Test(.enabled(if: haveModels))
    func keepsTheShortRangeModelsFacesExactlyAndAddsTheSmallOne() throws {
        let (short, full) = try #require(Self.detectors)
        let detector = MultiScaleFaceDetector(short: short, full: full)
        let (withLarge, large) = try Self.frame(faceWidth: 150, at: Point(x: 160, y: 180))
        let (both, small) = try Self.frame(faceWidth: 44, at: Point(x: 500, y: 120), into: withLarge)
        let reference = short.detect(both)
        #expect(reference.count == 1 && reference[0].box.iou(large) > 0.5)
        let faces = detector.detect(both)
        #expect(faces.count == 2, "\(faces.map(\.box))")
        #expect(Array(faces.prefix(reference.count)) == reference, "MediaPipe's own detections come first, unchanged")
        #expect(faces.dropFirst().contains { $0.box.iou(small) > 0.5 })
        // The whole demo photo: exactly the short-range model's faces (no duplicates from the other passes).
        let photo = try #require(Self.demo)
        #expect(detector.detect(photo) == short.detect(photo))
    }
}
