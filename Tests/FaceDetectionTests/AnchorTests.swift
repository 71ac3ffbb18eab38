import FaceDetection
import Testing

@Suite struct AnchorTests {
    @Test func shortRangeHas896AnchorsInMediaPipeOrder() {
        let anchors = makeSSDAnchors(BlazeFaceModel.short.anchorOptions)
        #expect(anchors.count == 896)
        // Stride 8: 16×16 cells, 2 anchors each; the first cell's centre is (0.5/16, 0.5/16).
        #expect(anchors[0] == SSDAnchor(x: 0.5 / 16, y: 0.5 / 16))
        #expect(anchors[1] == anchors[0])
        #expect(anchors[2] == SSDAnchor(x: 1.5 / 16, y: 0.5 / 16))
        // Stride 16 (3 layers share it): 8×8 cells, 6 anchors each, starting at 512.
        #expect(anchors[512] == SSDAnchor(x: 0.5 / 8, y: 0.5 / 8))
        #expect(anchors[517] == anchors[512])
        #expect(anchors[518] == SSDAnchor(x: 1.5 / 8, y: 0.5 / 8))
        #expect(anchors[895] == SSDAnchor(x: 7.5 / 8, y: 7.5 / 8))
    }

    @Test func fullRangeHas2304Anchors() {
        let anchors = makeSSDAnchors(BlazeFaceModel.full.anchorOptions)
        #expect(anchors.count == 2304)
        #expect(anchors[1] == SSDAnchor(x: 1.5 / 48, y: 0.5 / 48))
        #expect(anchors[48] == SSDAnchor(x: 0.5 / 48, y: 1.5 / 48))
    }
}
