/// A failure to read a file in dlib's serialization format, with what went wrong and where.
public struct DlibError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The data ends before the object does.
        case truncated
        /// An integer's control byte or value is impossible for its type.
        case invalidInteger
        /// A version tag, layer name or flag is not one this reader understands.
        case unsupportedVersion
        /// A value is out of range or contradicts the expected structure (shape, size, layer kind).
        case invalidValue
        /// The file could not be read.
        case io
    }

    /// The failure's kind.
    public let code: Code
    /// Byte offset into the data where reading failed (for bad values: where the value starts).
    public let offset: Int
    /// What went wrong, in words.
    public let detail: String
    /// The file concerned, when known.
    public var path: String?

    /// Creates an error.
    public init(_ code: Code, offset: Int, detail: String, path: String? = nil) {
        self.code = code
        self.offset = offset
        self.detail = detail
        self.path = path
    }

    public var description: String {
        let place = path.map { "\($0) at byte \(offset)" } ?? "at byte \(offset)"
        return "dlib data \(place): \(code.rawValue): \(detail)"
    }
}
