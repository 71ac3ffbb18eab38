import Capture
import Testing

@Suite struct V4L2NegotiationTests {
    private let mjpeg = V4L2Negotiation.mjpeg, yuyv = V4L2Negotiation.yuyv

    @Test func prefersMJPEGThenYUYVAndIgnoresEmulatedFormats() {
        let rgb3 = V4L2Negotiation.fourcc("RGB3")
        #expect(V4L2Negotiation.chooseFormat(from: [.init(fourcc: yuyv), .init(fourcc: mjpeg)]) == mjpeg)
        #expect(V4L2Negotiation.chooseFormat(from: [.init(fourcc: rgb3), .init(fourcc: yuyv)]) == yuyv)
        #expect(V4L2Negotiation.chooseFormat(from: [.init(fourcc: mjpeg, emulated: true), .init(fourcc: yuyv)]) == yuyv)
        #expect(V4L2Negotiation.chooseFormat(from: [.init(fourcc: rgb3)]) == nil)
        #expect(V4L2Negotiation.name(mjpeg) == "MJPG" && mjpeg == 0x4750_4A4D)
    }

    @Test func picksTheClosestOfferedSize() {
        let offer = V4L2SizeOffer.discrete([(320, 240), (640, 480), (1280, 720)])
        #expect(V4L2Negotiation.chooseSize(from: offer, width: 640, height: 480) == (640, 480))
        #expect(V4L2Negotiation.chooseSize(from: offer, width: 800, height: 600) == (640, 480))
        #expect(V4L2Negotiation.chooseSize(from: offer, width: 1920, height: 1080) == (1280, 720))
        let steps = V4L2SizeOffer.stepwise(minWidth: 16, maxWidth: 1920, stepWidth: 16, minHeight: 16, maxHeight: 1080, stepHeight: 8)
        #expect(V4L2Negotiation.chooseSize(from: steps, width: 650, height: 4000) == (640, 1080))
        #expect(V4L2Negotiation.chooseSize(from: .unknown, width: 640, height: 480) == (640, 480))
    }

    @Test func backoffDoublesUpToTheCapAndResets() {
        var backoff = Backoff(initial: 0.5, maximum: 3)
        #expect([backoff.nextDelay(), backoff.nextDelay(), backoff.nextDelay(), backoff.nextDelay()] == [0.5, 1, 2, 3])
        #expect(backoff.attempts == 4)
        backoff.reset()
        #expect(backoff.nextDelay() == 0.5)
    }

    @Test func configurationValuesAreChecked() throws {
        try V4L2Configuration().validate()
        #expect(throws: CaptureError.self) { try V4L2Configuration(bufferCount: 2).validate() }
        #expect(throws: CaptureError.self) { try V4L2Configuration(width: 0).validate() }
        #expect(throws: CaptureError.self) { try V4L2Camera(V4L2Configuration(framesPerSecond: 0)) }
    }
}
