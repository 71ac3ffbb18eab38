// A V4L2 camera as a FrameSource: decodes MJPEG or YUYV frames and reopens the device with backoff.
import Imaging

/// A camera through libv4l2 (see `V4L2Device` for the ioctl sequence).
///
/// Failure policy: a configuration the device can never satisfy (not a capture device, no MJPEG/YUYV,
/// permission denied) throws at once. A device that is missing, disappears (ENODEV, POLLERR/POLLHUP) or stops
/// delivering frames for `pollTimeout` is closed and reopened after `backoff` delays, forever or until
/// `maxReopenAttempts` failures in a row, which throws `deviceLost`. Frames the driver flags as erroneous,
/// empty buffers and undecodable JPEGs are skipped and counted in `counters.corruptFrames`.
public final class V4L2Camera: FrameSource {
    public let name: String
    public private(set) var counters = SourceCounters()
    /// The format agreed at the last successful open (nil before the first).
    public private(set) var streamFormat: V4L2StreamFormat?
    private let configuration: V4L2Configuration
    private var device: V4L2Device?
    private var backoff: Backoff
    private let decoder: JPEGDecoder
    private var hasOpened = false

    /// Validates the configuration; the device is opened by the first `nextFrame` (or `open()`).
    public init(_ configuration: V4L2Configuration) throws(CaptureError) {
        try configuration.validate()
        self.configuration = configuration
        name = configuration.device
        backoff = configuration.backoff
        do {
            decoder = try JPEGDecoder()
        } catch {
            throw CaptureError(.io, source: configuration.device, detail: error.description)
        }
    }

    /// Opens the device now (otherwise the first `nextFrame` does), so a caller can report the negotiated
    /// format or a fatal error up front.
    public func open() throws(CaptureError) {
        guard device == nil else { return }
        let opened = try V4L2Device(configuration)
        device = opened
        streamFormat = opened.format
        if hasOpened { counters.reopens += 1 }
        hasOpened = true
        backoff.reset()
    }

    public func nextFrame(_ control: CaptureControl) throws(CaptureError) -> Frame? {
        while !control.isStopped {
            guard let device else {
                do {
                    try open()
                } catch {
                    switch error.code {
                    case .notFound, .deviceFailed, .deviceLost, .timeout:
                        try waitBeforeReopen(control, after: error)
                        continue
                    default:
                        throw error
                    }
                }
                continue
            }
            do {
                guard let buffer = try device.dequeue(timeout: configuration.pollTimeout) else {
                    counters.timeouts += 1
                    drop(device)
                    continue
                }
                let image = convert(buffer, format: device.format)
                try device.requeue(buffer.index)
                guard let image else {
                    counters.corruptFrames += 1
                    continue
                }
                let frame = Frame(image: image, sequence: counters.frames,
                                  timestamp: buffer.timestamp ?? monotonicSeconds(), source: name)
                counters.frames += 1
                return frame
            } catch {
                drop(device)
                try waitBeforeReopen(control, after: error)
            }
        }
        return nil
    }

    public func close() {
        device?.close()
        device = nil
    }

    private func drop(_ failed: V4L2Device) {
        failed.close()
        device = nil
    }

    private func waitBeforeReopen(_ control: CaptureControl, after error: CaptureError) throws(CaptureError) {
        if let limit = configuration.maxReopenAttempts, backoff.attempts >= limit {
            throw CaptureError(.deviceLost, source: name, detail: "gave up after \(limit) reopen attempts; last: \(error.detail)", errno: error.errno)
        }
        control.sleep(seconds: backoff.nextDelay())
    }

    /// Decodes one buffer, or nil when it is unusable.
    private func convert(_ buffer: V4L2Device.Dequeued, format: V4L2StreamFormat) -> Image? {
        guard !buffer.errorFlag, buffer.bytes.count > 0 else { return nil }
        if format.pixelFormat == V4L2Negotiation.yuyv {
            let stride = format.bytesPerLine >= 2 * format.width ? format.bytesPerLine : 2 * format.width
            guard let rgb = try? Image.fromYUYV(buffer.bytes, width: format.width, height: format.height, bytesPerLine: stride) else {
                return nil
            }
            return configuration.outputFormat == .gray ? rgb.converted(to: .gray) : rgb
        }
        let options = DecodeOptions(format: configuration.outputFormat, acceptJPEGWarnings: configuration.acceptJPEGWarnings)
        return try? decoder.decode(buffer.bytes, options: options)
    }
}
