// One captured frame and where it came from.
import Glibc
import Imaging

/// A decoded frame from a `FrameSource`.
public struct Frame: Sendable {
    /// The pixels (RGB unless the source was configured for gray).
    public var image: Image
    /// Position in the source's stream, from 0, one per frame the source produced (including frames later
    /// dropped by a full queue, so gaps in the sequence numbers a consumer sees are drops).
    public var sequence: UInt64
    /// Capture time in seconds on the monotonic clock (CLOCK_MONOTONIC, as V4L2 buffer timestamps).
    public var timestamp: Double
    /// The source's name (device path, folder or file).
    public var source: String

    /// Creates a frame.
    public init(image: Image, sequence: UInt64, timestamp: Double, source: String) {
        self.image = image
        self.sequence = sequence
        self.timestamp = timestamp
        self.source = source
    }
}

/// Seconds on CLOCK_MONOTONIC.
public func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
