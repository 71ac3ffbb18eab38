/// An invalid configuration: which key is wrong, on which line, and why.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public enum Code: String, Sendable {
        /// The file could not be read.
        case unreadable
        /// The text is not valid YAML.
        case syntax
        /// A key the configuration does not know (strict: typos are refused, not ignored).
        case unknownKey
        /// A key that was read once and is not any more; the detail says what replaced it.
        case retiredKey
        /// The same key appears twice in one mapping.
        case duplicateKey
        /// A required key is absent.
        case missing
        /// The value has the wrong type (e.g. text where a number belongs).
        case wrongType
        /// The value is outside its allowed range or set.
        case outOfRange
        /// Values are individually valid but contradict each other (e.g. two cameras with one id).
        case conflict
    }

    /// The problem's kind.
    public let code: Code
    /// The offending key path, e.g. `cameras[1].rate` (empty for the whole document).
    public let keyPath: String
    /// What is wrong, in words.
    public let detail: String
    /// Line in the YAML text (1-based), when known.
    public let line: Int?

    /// Creates an error.
    public init(_ code: Code, keyPath: String, detail: String, line: Int? = nil) {
        self.code = code
        self.keyPath = keyPath
        self.detail = detail
        self.line = line
    }

    public var description: String {
        let place = keyPath.isEmpty ? "configuration" : keyPath
        if let line { return "\(place): \(detail) (line \(line))" }
        return "\(place): \(detail)"
    }
}
