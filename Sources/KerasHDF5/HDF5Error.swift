/// A failure to read an HDF5 file (or the Keras model inside it), with what went wrong and where.
public struct HDF5Error: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The file does not exist, cannot be read, or is not an HDF5 file (bad signature, truncated, damaged).
        case cannotOpen
        /// A group, dataset or attribute the reader needs is absent.
        case missing
        /// An object exists but has the wrong kind, element type or rank.
        case wrongType
        /// libhdf5 failed while reading an object that exists (damaged data).
        case readFailed
        /// A size is negative, overflows, or exceeds the reader's limit.
        case tooLarge
        /// The Keras `model_config` JSON is unparseable or describes something the reader does not support.
        case badModelConfig
        /// The weights do not match the shapes the model needs.
        case shapeMismatch
    }

    /// The failure's kind.
    public let code: Code
    /// The file concerned.
    public let file: String
    /// The object inside the file (e.g. `/model_weights/conv2d_1/conv2d_1/kernel:0`), when one applies.
    public let object: String?
    /// What went wrong, in words.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, file: String, object: String? = nil, detail: String) {
        self.code = code
        self.file = file
        self.object = object
        self.detail = detail
    }

    public var description: String {
        if let object { return "\(file): \(object): \(code.rawValue): \(detail)" }
        return "\(file): \(code.rawValue): \(detail)"
    }
}
