/// A failure to decode, encode or transform an image, with what went wrong and where.
public struct ImagingError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// Width, height or buffer size is impossible.
        case invalidDimensions
        /// The bytes are not an image in any supported format.
        case unsupportedFormat
        /// The bytes claim a supported format but are damaged or truncated.
        case corrupt
        /// The image is larger than the configured limit.
        case tooLarge
        /// Reading or writing a file failed.
        case io
    }

    /// The failure's kind.
    public let code: Code
    /// What went wrong, in words.
    public let detail: String
    /// The file concerned, when known.
    public var path: String?

    /// Creates an error.
    public init(_ code: Code, detail: String, path: String? = nil) {
        self.code = code
        self.detail = detail
        self.path = path
    }

    public var description: String {
        if let path { return "\(path): \(code.rawValue): \(detail)" }
        return "\(code.rawValue): \(detail)"
    }
}
