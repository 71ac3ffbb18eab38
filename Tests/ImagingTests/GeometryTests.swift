import Imaging
import Testing

@Suite struct GeometryTests {
    @Test func iouOfIdenticalDisjointAndHalfOverlappingBoxes() {
        let a = Rect(x: 0, y: 0, width: 10, height: 10)
        #expect(a.iou(a) == 1)
        #expect(a.iou(Rect(x: 20, y: 20, width: 5, height: 5)) == 0)
        #expect(abs(a.iou(Rect(x: 5, y: 0, width: 10, height: 10)) - 50.0 / 150.0) < 1e-6)
    }

    @Test func imageRefusesAMismatchedBuffer() {
        #expect(throws: ImagingError.self) { try Image(width: 2, height: 2, format: .rgb, pixels: [0, 0, 0]) }
        #expect(throws: ImagingError.self) { try Image(width: 0, height: 2, format: .gray) }
    }
}
