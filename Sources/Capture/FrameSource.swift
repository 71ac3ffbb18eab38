// The pull interface every frame source implements; `CaptureStream` runs one on its own thread.

/// Counters a source keeps about its own input.
public struct SourceCounters: Sendable, Equatable {
    /// Frames produced (delivered to the caller of `nextFrame`).
    public var frames: UInt64 = 0
    /// Frames skipped because their bytes were corrupt (undecodable JPEG, driver error flag, short buffer).
    public var corruptFrames: UInt64 = 0
    /// Times the device was reopened after it failed or disappeared.
    public var reopens: UInt64 = 0
    /// Poll timeouts (no frame in time).
    public var timeouts: UInt64 = 0

    public init() {}
}

/// A blocking producer of frames: a camera, a folder of images, an MJPEG file.
///
/// A source is driven by one thread at a time (it is not `Sendable`); `CaptureStream` owns that thread and
/// hands frames to async consumers without ever waiting for them. Sources pace themselves (a camera by the
/// device, file sources by their configured rate) and sleep only through `control`, so `stop` interrupts them.
public protocol FrameSource: AnyObject {
    /// A name for logs and frames (device path, folder or file).
    var name: String { get }
    /// The source's counters so far.
    var counters: SourceCounters { get }
    /// Blocks until the next frame and returns it; nil at the end of a finite source or once `control` is
    /// stopped. Corrupt input is skipped and counted, not thrown; a thrown error is fatal for the source.
    func nextFrame(_ control: CaptureControl) throws(CaptureError) -> Frame?
    /// Releases the device or files. Idempotent.
    func close()
}
