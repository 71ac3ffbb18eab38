/// A failure in face alignment, embedding or matching, with what went wrong.
public struct RecognitionError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// An image, chip or landmark set has the wrong size or impossible values.
        case invalidInput
        /// An embedding has the wrong length or a non-finite value.
        case invalidEmbedding
        /// An enrollment photo shows no face.
        case noFace
        /// An enrollment photo shows more than one face.
        case multipleFaces
        /// The face in an enrollment photo is too small.
        case faceTooSmall
        /// The face in an enrollment photo is too blurred (measured on the aligned chip).
        case blurred
        /// The face in an enrollment photo is turned away from the camera (profile).
        case notFrontal
        /// A gallery snapshot is truncated, damaged or of an unknown version.
        case invalidSnapshot
        /// A gallery snapshot or embedding belongs to another backbone.
        case backboneMismatch
        /// A worker id is empty, duplicated or unknown.
        case invalidWorker
    }

    /// The failure's kind.
    public let code: Code
    /// What went wrong, in words.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
