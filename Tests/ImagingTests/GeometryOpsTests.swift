import Foundation
@testable import Imaging
import Testing

@Suite struct CropTests {
    private func image() throws -> Image { try TestImages.gray(width: 4, height: 3) { x, y in 10 * y + x } }

    @Test func cropInsideCopiesPixels() throws {
        #expect(try image().cropped(x: 1, y: 1, width: 2, height: 2).pixels == [11, 12, 21, 22])
    }

    @Test func policiesOutsideTheImage() throws {
        let clamped = try image().cropped(x: -1, y: 2, width: 3, height: 3, outside: .clamp)
        #expect(clamped.width == 2 && clamped.height == 1 && clamped.pixels == [20, 21])
        let filled = try image().cropped(x: -1, y: 2, width: 3, height: 2, outside: .fill(9))
        #expect(filled.pixels == [9, 20, 21, 9, 9, 9])
        let replicated = try image().cropped(x: 3, y: -1, width: 2, height: 2, outside: .replicate)
        #expect(replicated.pixels == [3, 3, 3, 3])
        #expect(throws: ImagingError.self) { try image().cropped(x: 10, y: 10, width: 2, height: 2) }
        #expect(throws: ImagingError.self) { try image().cropped(x: 0, y: 0, width: 0, height: 2) }
    }

    @Test func rectCropCoversFractionalEdges() throws {
        let crop = try image().cropped(covering: Rect(x: 0.5, y: 0.2, width: 1.2, height: 0.9))
        #expect(crop.width == 2 && crop.height == 2 && crop.pixels == [0, 1, 10, 11])
        #expect(throws: ImagingError.self) { try image().cropped(covering: Rect(x: .nan, y: 0, width: 1, height: 1)) }
    }
}

@Suite struct WarpTests {
    private func image() throws -> Image { try TestImages.gradient(width: 20, height: 16) }

    @Test func identityAndIntegerShiftsCopyPixels() throws {
        let source = try image()
        #expect(try source.warped(.identity, width: 20, height: 16) == source)
        let shifted = try source.warped(.scaling(1, 1, translation: 3, 2), width: 10, height: 10)
        #expect(shifted == (try source.cropped(x: 3, y: 2, width: 10, height: 10)))
    }

    @Test func halfPixelShiftAveragesNeighbours() throws {
        let source = try Image(width: 3, height: 1, format: .gray, pixels: [0, 100, 200])
        let out = try source.warped(.scaling(1, 1, translation: 0.5, 0), width: 3, height: 1, border: .constant(0))
        #expect(out.pixels == [50, 150, 100]) // last pixel blends 200 with the border 0
        let twoRows = try Image(width: 3, height: 2, format: .gray, pixels: [0, 100, 200, 0, 100, 200])
        let strict = try twoRows.warped(.scaling(1, 1, translation: 0.5, 0), width: 3, height: 1, border: .strict(7))
        #expect(strict.pixels == [50, 150, 7])
        let replicate = try source.warped(.scaling(1, 1, translation: 0.5, 0), width: 3, height: 1, border: .replicate)
        #expect(replicate.pixels == [50, 150, 200])
    }

    @Test func strictBorderFollowsDlib() throws {
        // dlib refuses a sample whose floor(x)+1 is outside, even at an exact pixel centre on the last column.
        let source = try Image(width: 2, height: 2, format: .gray, pixels: [10, 20, 30, 40])
        let out = try source.warped(.identity, width: 2, height: 2, border: .strict(0))
        #expect(out.pixels == [10, 0, 0, 0])
        let truncated = try source.warped(.scaling(1, 1, translation: 0.5, 0.5), width: 1, height: 1,
                                          border: .strict(0), rounding: .truncate)
        #expect(truncated.pixels == [25])
    }

    @Test func transformsComposeInvertAndFit() throws {
        let t = AffineTransform(a: 2, b: 1, c: 3, d: -1, e: 1.5, f: 4)
        let inverse = try #require(t.inverted())
        let p = inverse.concatenating(after: t).apply(x: 7, y: -3)
        #expect(abs(p.x - 7) < 1e-9 && abs(p.y + 3) < 1e-9)
        let from: [(x: Double, y: Double)] = [(0, 0), (149, 0), (0, 149)]
        let to = from.map { t.apply(x: $0.x, y: $0.y) }
        let fitted = try #require(AffineTransform(mapping: from, to: to))
        #expect(abs(fitted.a - t.a) < 1e-9 && abs(fitted.f - t.f) < 1e-9 && abs(fitted.b - t.b) < 1e-9)
        #expect(AffineTransform(mapping: [(0, 0), (1, 1), (2, 2)], to: to) == nil)
    }

    @Test func similarityRecoversRotationScaleAndTranslation() throws {
        let angle = 0.3, scale = 1.7
        let truth = AffineTransform(a: scale * cos(angle), b: -scale * sin(angle), c: 12,
                                    d: scale * sin(angle), e: scale * cos(angle), f: -5)
        let from: [(x: Double, y: Double)] = [(10, 20), (40, 22), (25, 50), (31, 33), (5, 5)]
        let fitted = try #require(AffineTransform.similarity(mapping: from, to: from.map { truth.apply(x: $0.x, y: $0.y) }))
        let pairs: [(Double, Double)] = [(fitted.a, truth.a), (fitted.b, truth.b), (fitted.c, truth.c),
                                         (fitted.d, truth.d), (fitted.f, truth.f)]
        for (u, v) in pairs { #expect(abs(u - v) < 1e-9) }
        #expect(AffineTransform.similarity(mapping: [(1, 1), (1, 1)], to: [(0, 0), (2, 2)]) == nil)
    }

    @Test func absurdMatricesAndSizesAreRefused() throws {
        let nan = AffineTransform(a: .nan, b: 0, c: 0, d: 0, e: 1, f: 0)
        #expect(throws: ImagingError.self) { try image().warped(nan, width: 4, height: 4) }
        #expect(throws: ImagingError.self) { try image().warped(.identity, width: 0, height: 4) }
        let far = try image().warped(.scaling(1, 1, translation: 1e12, 1e12), width: 2, height: 2, border: .constant(5))
        #expect(far.pixels.allSatisfy { $0 == 5 })
    }
}
