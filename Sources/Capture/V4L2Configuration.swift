// What a V4L2 camera source is asked for.
import Imaging

/// Settings of a `V4L2Camera`.
public struct V4L2Configuration: Sendable, Equatable {
    /// The device node, e.g. `/dev/video0`.
    public var device: String
    /// Wanted frame size; the closest size the device offers is used.
    public var width: Int
    public var height: Int
    /// Wanted frame rate (best effort: drivers may not support setting it).
    public var framesPerSecond: Int
    /// mmap buffers requested (at least 4).
    public var bufferCount: Int
    /// Seconds to wait for a frame before the device is considered hung and reopened.
    public var pollTimeout: Double
    /// Reopen delays after the device fails or disappears.
    public var backoff: Backoff
    /// Give up (throw `deviceLost`) after this many failed reopen attempts in a row; nil retries forever.
    public var maxReopenAttempts: Int?
    /// Pixel format of delivered frames.
    public var outputFormat: Image.Format
    /// Accept MJPEG frames that libjpeg decodes with a warning (see `DecodeOptions.acceptJPEGWarnings`).
    public var acceptJPEGWarnings: Bool

    public init(device: String = "/dev/video0", width: Int = 640, height: Int = 480, framesPerSecond: Int = 30,
                bufferCount: Int = 4, pollTimeout: Double = 2, backoff: Backoff = Backoff(),
                maxReopenAttempts: Int? = nil, outputFormat: Image.Format = .rgb, acceptJPEGWarnings: Bool = false) {
        self.device = device
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        self.bufferCount = bufferCount
        self.pollTimeout = pollTimeout
        self.backoff = backoff
        self.maxReopenAttempts = maxReopenAttempts
        self.outputFormat = outputFormat
        self.acceptJPEGWarnings = acceptJPEGWarnings
    }

    /// Throws `invalidConfiguration` naming the first bad value.
    public func validate() throws(CaptureError) {
        func bad(_ detail: String) -> CaptureError { CaptureError(.invalidConfiguration, source: device, detail: detail) }
        guard !device.isEmpty else { throw bad("device path is empty") }
        guard (16 ... 8192).contains(width), (16 ... 8192).contains(height) else { throw bad("size \(width)×\(height) is outside 16…8192") }
        guard (1 ... 240).contains(framesPerSecond) else { throw bad("frames_per_second \(framesPerSecond) is outside 1…240") }
        guard (4 ... 32).contains(bufferCount) else { throw bad("buffer_count \(bufferCount) is outside 4…32") }
        guard pollTimeout > 0, pollTimeout <= 60 else { throw bad("poll_timeout \(pollTimeout) s is outside (0, 60]") }
    }
}
