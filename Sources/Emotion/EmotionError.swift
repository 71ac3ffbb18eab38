/// A failure to estimate emotion, with what went wrong and where.
public struct EmotionError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The model file is damaged or is not the expected model.
        case badModel
        /// The face crop is too small to classify (below `EmotionClassifier.minimumFaceSize`).
        case faceTooSmall
        /// The face box lies outside the image or is empty.
        case faceOutsideImage
        /// The image carries no signal (every pixel the same value, e.g. all black).
        case blankImage
        /// A centroid set is empty, from another feature extractor, or has a wrong dimension.
        case badCentroids
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
