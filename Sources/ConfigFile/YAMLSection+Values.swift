// Typed, bounded reads of one key. A default makes the key optional; without one it is required.

extension YAMLSection {
    /// Non-empty text; `fallback` when absent (required when there is no fallback).
    public func string(_ key: String, default fallback: String? = nil) throws(ConfigurationError) -> String {
        guard let text = try scalar(key) else {
            if let fallback { return fallback }
            throw error(key, .missing, "required")
        }
        guard !text.isEmpty else { throw error(key, .outOfRange, "must not be empty") }
        return text
    }

    /// Text, or nil when absent or empty.
    public func optionalString(_ key: String) throws(ConfigurationError) -> String? {
        guard let text = try scalar(key), !text.isEmpty else { return nil }
        return text
    }

    /// An identifier that fits one topic level: 1–64 letters, digits, `-` and `_`.
    public func identifier(_ key: String, default fallback: String? = nil) throws(ConfigurationError) -> String {
        let text = try string(key, default: fallback)
        let allowed = text.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0" ... "9").contains($0))) || $0 == "-" || $0 == "_"
        }
        guard allowed, text.count <= 64 else {
            throw error(key, .outOfRange, "must be 1-64 letters, digits, '-' or '_' (got \"\(text)\")")
        }
        return text
    }

    /// A whole number within `bounds`; `fallback` when absent (required when there is no fallback).
    public func int(_ key: String, default fallback: Int? = nil, in bounds: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = try scalar(key) else {
            if let fallback { return fallback }
            throw error(key, .missing, "required")
        }
        guard let value = Int(text) else { throw error(key, .wrongType, "must be a whole number (got \"\(text)\")") }
        guard bounds.contains(value) else {
            throw error(key, .outOfRange, "must be \(bounds.lowerBound)...\(bounds.upperBound) (got \(value))")
        }
        return value
    }

    /// A whole number within `bounds`, or nil when absent.
    public func optionalInt(_ key: String, in bounds: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        has(key) ? try int(key, in: bounds) : nil
    }

    /// A finite number within `bounds`; `fallback` when absent (required when there is no fallback).
    public func double(_ key: String, default fallback: Double? = nil,
                       in bounds: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        guard let text = try scalar(key) else {
            if let fallback { return fallback }
            throw error(key, .missing, "required")
        }
        guard let value = Double(text), value.isFinite else {
            throw error(key, .wrongType, "must be a number (got \"\(text)\")")
        }
        guard bounds.contains(value) else {
            throw error(key, .outOfRange, "must be \(bounds.lowerBound)...\(bounds.upperBound) (got \(text))")
        }
        return value
    }

    /// `double` as a `Float`.
    public func float(_ key: String, default fallback: Double? = nil,
                      in bounds: ClosedRange<Double>) throws(ConfigurationError) -> Float {
        Float(try double(key, default: fallback, in: bounds))
    }

    /// `true`/`false` (also `yes`/`no`, `on`/`off`); `fallback` when absent.
    public func bool(_ key: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        guard let text = try scalar(key) else { return fallback }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(key, .wrongType, "must be true or false (got \"\(text)\")")
        }
    }

    /// One of an enumeration's raw values; `fallback` when absent.
    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T) throws(ConfigurationError) -> T
    where T.RawValue == String {
        guard let text = try scalar(key) else { return fallback }
        guard let choice = T(rawValue: text) else {
            let options = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(key, .outOfRange, "must be one of \(options) (got \"\(text)\")")
        }
        return choice
    }
}
