// Typed failures of frame sources: what went wrong, on which source, and the errno when the OS said no.

/// A capture failure with what went wrong and where.
public struct CaptureError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The device node or file does not exist (or vanished).
        case notFound
        /// Permission denied (for a camera: the user is not in the `video` group).
        case permissionDenied
        /// The device is not a V4L2 capture device with streaming I/O.
        case notACaptureDevice
        /// The device offers none of the pixel formats Rollcall can use (MJPEG, YUYV).
        case noSupportedFormat
        /// An ioctl, mmap or poll failed.
        case deviceFailed
        /// The device disappeared while streaming (unplugged) and did not come back in time.
        case deviceLost
        /// No frame arrived within the poll timeout.
        case timeout
        /// A source has nothing to play (empty folder, file without a single JPEG).
        case empty
        /// Reading a file failed.
        case io
        /// A configuration value is invalid.
        case invalidConfiguration
    }

    /// The failure's kind.
    public let code: Code
    /// The source concerned (device path, folder or file).
    public let source: String
    /// What went wrong, in words.
    public let detail: String
    /// The errno value when a system call failed.
    public let errno: Int32?

    /// Creates an error.
    public init(_ code: Code, source: String, detail: String, errno: Int32? = nil) {
        self.code = code
        self.source = source
        self.detail = detail
        self.errno = errno
    }

    public var description: String {
        var text = "\(source): \(code.rawValue): \(detail)"
        if let errno { text += " (errno \(errno))" }
        return text
    }
}
