import Foundation

/// A payload or topic that cannot be accepted, with the field concerned and what is wrong with it.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The payload ended before the field was complete.
        case truncated
        /// The payload does not start with the "RC" magic.
        case badMagic
        /// The payload's format version is newer (or older) than this build understands.
        case unsupportedVersion
        /// The message kind byte is not one this version defines.
        case unknownKind
        /// The payload is a valid message, but of another kind than the one asked for.
        case wrongKind
        /// A length or count is over its limit.
        case tooLarge
        /// A value is out of range, not finite, or otherwise invalid.
        case invalidValue
        /// A string is not valid UTF-8 or contains characters the field does not allow.
        case invalidString
        /// Bytes follow the last field.
        case trailingBytes
        /// A gallery signature does not verify against the cloud's public key.
        case badSignature
        /// A topic does not belong to the Rollcall tree or does not fit its message.
        case invalidTopic
    }

    /// The failure's kind.
    public let code: Code
    /// The field (`face.jpeg`, `status.cameras[2].id`) or topic concerned.
    public let field: String
    /// What went wrong, in words.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, field: String, detail: String) {
        self.code = code
        self.field = field
        self.detail = detail
    }

    public var description: String { "wire \(code.rawValue) at \(field): \(detail)" }
    public var errorDescription: String? { description }
}
