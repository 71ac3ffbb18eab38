// The one error type of the cloud aggregator: what failed, where, and why.
import Foundation

/// A failure inside the cloud aggregator, with a machine-readable code and context.
public struct CloudError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// What kind of failure this is. The raw value is what the HTTP API returns as `error.code`.
    public enum Code: String, Sendable, Codable {
        /// The configuration file is missing, malformed, has an unknown key or a value out of bounds.
        case invalidConfig
        /// The database could not be opened, migrated, read or written.
        case storage
        /// A file (crop, photo) could not be read or written.
        case io
        /// The named object does not exist.
        case notFound
        /// The request is malformed (bad JSON, missing field, bad query parameter).
        case badRequest
        /// The uploaded bytes are not a JPEG or PNG image.
        case notAnImage
        /// The upload is larger than the configured limit.
        case tooLarge
        /// The request body is not of the media type the route takes (e.g. JSON without `application/json`).
        case unsupportedMediaType
        /// Too many failed logins from one address; retry later.
        case tooManyRequests
        /// An enrollment photo was refused (no face, several faces, too small, too blurred).
        case photoRefused
        /// No bearer token, or an unknown or revoked one.
        case unauthorized
        /// The token's role may not do this, or a dashboard form came from another site (origin or
        /// anti-forgery token wrong).
        case forbidden
        /// A face-crop message is malformed, oversized or from an unknown agent.
        case badMessage
        /// A privacy-mode embedding was refused: another backbone, the wrong dimension, or values that are not
        /// finite or out of range.
        case badEmbedding
        /// A needed component (recognizer, broker) is not available.
        case unavailable
        /// The object changed since the caller looked (a detection re-decided, the unknown people regrouped):
        /// look again and retry.
        case conflict
    }

    /// The failure's kind.
    public let code: Code
    /// What went wrong, in words.
    public let detail: String
    /// The object, file, key or field concerned, when one applies.
    public var subject: String?

    /// Creates an error.
    public init(_ code: Code, _ detail: String, subject: String? = nil) {
        self.code = code
        self.detail = detail
        self.subject = subject
    }

    public var description: String {
        if let subject { return "\(code.rawValue): \(subject): \(detail)" }
        return "\(code.rawValue): \(detail)"
    }

    public var errorDescription: String? { description }
}

extension CloudError {
    /// Whether the failure is the database's or the disk's rather than the input's: the work may succeed when
    /// tried again, so a message that failed so must not be acknowledged as done.
    public var isTransient: Bool { code == .storage || code == .io }
}
