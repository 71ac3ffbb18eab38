/// A failure of the disk outbox, with the file concerned.
public struct OutboxError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The folder or a file could not be created, written, flushed or renamed.
        case io
        /// An entry file is damaged (it is removed and counted, never published).
        case corrupt
        /// One message is larger than the whole outbox may hold, or than an entry may be.
        case tooLarge
        /// The topic is empty or too long.
        case invalidTopic
    }

    /// The failure's kind.
    public let code: Code
    /// The file or folder concerned.
    public let path: String
    /// What went wrong, in words.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, path: String, detail: String) {
        self.code = code
        self.path = path
        self.detail = detail
    }

    public var description: String { "outbox \(path): \(code.rawValue): \(detail)" }
}
