// A strict reader over a parsed YAML tree: every value is read through a key path, so every error names the key,
// and every mapping refuses keys nobody asked for.
import Yams

/// A YAML node together with the key path that led to it.
struct ConfigNode {
    let node: Node?
    let path: String

    init(_ node: Node?, path: String) {
        self.node = node
        self.path = path
    }

    var line: Int? { node?.mark?.line }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ code: AgentConfigError.Code, _ detail: String) -> AgentConfigError {
        AgentConfigError(code, keyPath: path, detail: detail, line: line)
    }

    /// True when the key is absent or explicitly null.
    var isAbsent: Bool {
        guard let node else { return true }
        if case .scalar(let scalar) = node, scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
            return true
        }
        return false
    }
}

/// A mapping whose keys are checked against an allowed set before any value is read.
struct ConfigMapping {
    let owner: ConfigNode
    private let values: [String: Node]

    /// Reads `node` as a mapping that may contain only `allowed` keys.
    init(_ owner: ConfigNode, allowed: Set<String>) throws(AgentConfigError) {
        self.owner = owner
        guard case .mapping(let mapping)? = owner.node else {
            throw owner.error(.wrongType, "must be a mapping of keys to values")
        }
        var values: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                throw AgentConfigError(.wrongType, keyPath: owner.path, detail: "keys must be plain text",
                                       line: keyNode.mark?.line)
            }
            let keyPath = owner.child(key.string)
            guard allowed.contains(key.string) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw AgentConfigError(.unknownKey, keyPath: keyPath, detail: "unknown key (known: \(known))",
                                       line: keyNode.mark?.line)
            }
            guard values[key.string] == nil else {
                throw AgentConfigError(.duplicateKey, keyPath: keyPath, detail: "appears more than once",
                                       line: keyNode.mark?.line)
            }
            values[key.string] = value
        }
        self.values = values
    }

    subscript(_ key: String) -> ConfigNode { ConfigNode(values[key], path: owner.child(key)) }

    // MARK: Typed values

    func string(_ key: String, default fallback: String? = nil) throws(AgentConfigError) -> String {
        let value = self[key]
        if value.isAbsent {
            if let fallback { return fallback }
            throw value.error(.missing, "required")
        }
        guard case .scalar(let scalar)? = value.node else { throw value.error(.wrongType, "must be text") }
        guard !scalar.string.isEmpty else { throw value.error(.outOfRange, "must not be empty") }
        return scalar.string
    }

    func optionalString(_ key: String) throws(AgentConfigError) -> String? {
        self[key].isAbsent ? nil : try string(key)
    }

    /// A topic-safe identifier: letters, digits, `-` and `_`, 1...64 characters.
    func identifier(_ key: String, default fallback: String? = nil) throws(AgentConfigError) -> String {
        let text = try string(key, default: fallback)
        let allowed = text.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_"
        }
        guard allowed, text.count <= 64 else {
            throw self[key].error(.outOfRange, "must be 1-64 letters, digits, '-' or '_' (got \"\(text)\")")
        }
        return text
    }

    func int(_ key: String, in range: ClosedRange<Int>, default fallback: Int? = nil) throws(AgentConfigError) -> Int {
        let value = self[key]
        if value.isAbsent {
            if let fallback { return fallback }
            throw value.error(.missing, "required")
        }
        guard case .scalar(let scalar)? = value.node, let number = Int(scalar.string) else {
            throw value.error(.wrongType, "must be a whole number")
        }
        guard range.contains(number) else {
            throw value.error(.outOfRange, "must be \(range.lowerBound)...\(range.upperBound) (got \(number))")
        }
        return number
    }

    func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(AgentConfigError) -> Int? {
        self[key].isAbsent ? nil : try int(key, in: range)
    }

    func double(_ key: String, in range: ClosedRange<Double>, default fallback: Double) throws(AgentConfigError) -> Double {
        let value = self[key]
        if value.isAbsent { return fallback }
        guard case .scalar(let scalar)? = value.node, let number = Double(scalar.string), number.isFinite else {
            throw value.error(.wrongType, "must be a number")
        }
        guard range.contains(number) else {
            throw value.error(.outOfRange, "must be \(range.lowerBound)...\(range.upperBound) (got \(scalar.string))")
        }
        return number
    }

    func float(_ key: String, in range: ClosedRange<Double>, default fallback: Double) throws(AgentConfigError) -> Float {
        Float(try double(key, in: range, default: fallback))
    }

    func bool(_ key: String, default fallback: Bool) throws(AgentConfigError) -> Bool {
        let value = self[key]
        if value.isAbsent { return fallback }
        guard case .scalar(let scalar)? = value.node else { throw value.error(.wrongType, "must be true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw value.error(.wrongType, "must be true or false (got \"\(scalar.string)\")")
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T) throws(AgentConfigError) -> T
    where T.RawValue == String {
        let value = self[key]
        if value.isAbsent { return fallback }
        guard case .scalar(let scalar)? = value.node else { throw value.error(.wrongType, "must be text") }
        guard let choice = T(rawValue: scalar.string) else {
            let options = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw value.error(.outOfRange, "must be one of \(options) (got \"\(scalar.string)\")")
        }
        return choice
    }

    /// An optional nested mapping; absent reads as an empty mapping so that every key takes its default.
    func mapping(_ key: String, allowed: Set<String>) throws(AgentConfigError) -> ConfigMapping {
        let value = self[key]
        if value.isAbsent { return try ConfigMapping(ConfigNode(Node([(Node, Node)]()), path: value.path), allowed: allowed) }
        return try ConfigMapping(value, allowed: allowed)
    }

    /// A required sequence; each element comes with its indexed key path (`cameras[1]`).
    func sequence(_ key: String) throws(AgentConfigError) -> [ConfigNode] {
        let value = self[key]
        if value.isAbsent { throw value.error(.missing, "required") }
        guard case .sequence(let sequence)? = value.node else { throw value.error(.wrongType, "must be a list") }
        return sequence.enumerated().map { ConfigNode($0.element, path: "\(value.path)[\($0.offset)]") }
    }
}
