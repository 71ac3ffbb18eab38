import Foundation

/// A failure to create, read or issue certificates, with the file or identity concerned.
public struct PKIError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// No CA in the folder (run `rollcall pki init`).
        case missingAuthority
        /// A CA already exists where `init` was asked to create one.
        case authorityExists
        /// A site, agent, cloud or host name is invalid.
        case invalidIdentity
        /// A validity period is invalid.
        case invalidValidity
        /// A certificate or key file is unreadable or malformed.
        case unreadable
        /// Writing a file failed.
        case io
        /// A template is malformed.
        case invalidTemplate
    }

    public let code: Code
    /// The file or identity concerned.
    public let subject: String
    public let detail: String

    public init(_ code: Code, subject: String, detail: String) {
        self.code = code
        self.subject = subject
        self.detail = detail
    }

    public var description: String { "pki \(code.rawValue) (\(subject)): \(detail)" }
    public var errorDescription: String? { description }
}
