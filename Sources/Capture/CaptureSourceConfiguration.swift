// One camera of an agent, as its configuration describes it, turned into a FrameSource.
import Imaging

/// Which source feeds one camera slot of an agent. An agent runs several, one `CaptureStream` each.
public enum CaptureSourceConfiguration: Sendable, Equatable {
    /// A V4L2 camera.
    case camera(V4L2Configuration)
    /// A folder of images played at `framesPerSecond` (nil: as fast as possible), once or looping.
    case imageFolder(path: String, framesPerSecond: Double?, loop: Bool)
    /// An MJPEG file (concatenated JPEGs) played at `framesPerSecond` (nil: as fast as possible).
    case mjpegFile(path: String, framesPerSecond: Double?, loop: Bool)

    /// Creates the source. `format` is the delivered pixel format; `maxPixels` bounds file frames (cameras use
    /// their negotiated size). Throws a `CaptureError` naming the path or value at fault; opens nothing for a
    /// camera (its first `nextFrame` does, retrying with backoff).
    public func makeSource(format: Image.Format = .rgb, maxPixels: Int? = nil) throws(CaptureError) -> FrameSource {
        let decode = DecodeOptions(format: format, maxPixels: maxPixels)
        switch self {
        case .camera(var configuration):
            configuration.outputFormat = format
            return try V4L2Camera(configuration)
        case let .imageFolder(path, fps, loop):
            return try ImageFolderSource(folder: path, framesPerSecond: fps, loop: loop, decode: decode)
        case let .mjpegFile(path, fps, loop):
            return try MJPEGFileSource(path: path, framesPerSecond: fps, loop: loop, decode: decode)
        }
    }
}
