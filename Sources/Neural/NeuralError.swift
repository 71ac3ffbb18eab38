/// A failure in the inference core: a bad model file, an unsupported operator, a shape mismatch.
public struct NeuralError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The model file is damaged, truncated or not of the expected format.
        case malformedModel
        /// The model uses an operator (or an option of one) this core does not implement.
        case unsupportedOperator
        /// Tensor shapes or sizes do not fit together.
        case shapeMismatch
        /// A tensor's element type is not supported.
        case unsupportedType
        /// Reading the model file failed.
        case io
    }

    /// The failure's kind.
    public let code: Code
    /// What went wrong, in words (naming the operator, tensor or offset concerned).
    public let detail: String
    /// The model file concerned, when known.
    public var path: String?

    /// Creates an error.
    public init(_ code: Code, _ detail: String, path: String? = nil) {
        self.code = code
        self.detail = detail
        self.path = path
    }

    public var description: String {
        if let path { return "\(path): \(code.rawValue): \(detail)" }
        return "\(code.rawValue): \(detail)"
    }
}
