// One strict reader for the agent's and the cloud's YAML files: every value is read through a key of a mapping
// whose keys were checked first, so every error names the key path and its line, and no key nobody asked for
// is silently ignored.
import Yams

/// One mapping of a configuration document, read strictly: every key must be allowed (or is refused by name
/// and line; a retired key with the reason it was retired), every value typed and in bounds.
public struct YAMLSection {
    /// Dotted path of this mapping in the document ("" for the root).
    public let path: String
    /// The mapping's line (1-based), when it is in the document.
    public let line: Int?
    private let values: [String: (key: Node, value: Node)]

    /// Parses `text` and reads its root mapping (an empty document reads as an empty mapping).
    public init(document text: String, allowed: Set<String>, retired: [String: String] = [:]) throws(ConfigurationError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(.syntax, keyPath: "", detail: "not valid YAML: \(error)")
        }
        try self.init(root, path: "", allowed: allowed, retired: retired)
    }

    /// Reads `node` as a mapping whose keys must all be in `allowed`; an absent or null node reads as an empty
    /// mapping, so that every key takes its default. `retired` maps keys no longer read to the reason.
    public init(_ node: Node?, path: String, allowed: Set<String>,
                retired: [String: String] = [:]) throws(ConfigurationError) {
        self.path = path
        line = node.flatMap(Self.line(of:))
        guard let node, !Self.isNull(node) else {
            values = [:]
            return
        }
        guard case .mapping(let mapping) = node else {
            throw ConfigurationError(.wrongType, keyPath: path, detail: "must be a mapping of keys to values", line: line)
        }
        var values: [String: (key: Node, value: Node)] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                throw ConfigurationError(.wrongType, keyPath: path, detail: "keys must be plain text",
                                         line: Self.line(of: keyNode))
            }
            let keyPath = Self.join(path, key.string)
            if let reason = retired[key.string] {
                throw ConfigurationError(.retiredKey, keyPath: keyPath, detail: reason, line: Self.line(of: keyNode))
            }
            guard allowed.contains(key.string) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw ConfigurationError(.unknownKey, keyPath: keyPath, detail: "unknown key (known: \(known))",
                                         line: Self.line(of: keyNode))
            }
            guard values[key.string] == nil else {
                throw ConfigurationError(.duplicateKey, keyPath: keyPath, detail: "appears more than once",
                                         line: Self.line(of: keyNode))
            }
            values[key.string] = (keyNode, value)
        }
        self.values = values
    }

    /// Whether `key` has a value (absent and null read as no value).
    public func has(_ key: String) -> Bool {
        values[key].map { !Self.isNull($0.value) } ?? false
    }

    /// The value node of `key`, nil when absent or null.
    public func node(_ key: String) -> Node? {
        has(key) ? values[key]?.value : nil
    }

    /// The full path of `key` in this mapping.
    public func path(of key: String) -> String { Self.join(path, key) }

    /// An error about `key` (its value's line, or the key's), or about this mapping when `key` is nil.
    public func error(_ key: String?, _ code: ConfigurationError.Code, _ detail: String) -> ConfigurationError {
        guard let key else { return ConfigurationError(code, keyPath: path, detail: detail, line: line) }
        let entry = values[key]
        let line = entry.flatMap { Self.line(of: $0.value) ?? Self.line(of: $0.key) } ?? self.line
        return ConfigurationError(code, keyPath: path(of: key), detail: detail, line: line)
    }

    /// The mapping under `key` (an empty one when absent).
    public func section(_ key: String, allowed: Set<String>,
                        retired: [String: String] = [:]) throws(ConfigurationError) -> YAMLSection {
        try YAMLSection(node(key), path: path(of: key), allowed: allowed, retired: retired)
    }

    /// The sequence under `key`: empty when absent unless `required`.
    public func list(_ key: String, required: Bool = false) throws(ConfigurationError) -> [Node] {
        guard let node = node(key) else {
            if required { throw error(key, .missing, "required") }
            return []
        }
        guard case .sequence(let sequence) = node else { throw error(key, .wrongType, "must be a list") }
        return Array(sequence)
    }

    /// The mappings of the sequence under `key`, each read strictly with its indexed path (`cameras[1]`).
    public func sections(_ key: String, allowed: Set<String>, required: Bool = false) throws(ConfigurationError)
        -> [YAMLSection] {
        var sections: [YAMLSection] = []
        for (index, node) in try list(key, required: required).enumerated() {
            sections.append(try YAMLSection(node, path: "\(path(of: key))[\(index)]", allowed: allowed))
        }
        return sections
    }

    // MARK: Helpers

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func line(of node: Node) -> Int? { node.mark?.line }

    /// A plain `~`, `null` or empty scalar.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The plain text of `key`'s value, or nil when absent; throws when the value is not a scalar.
    func scalar(_ key: String) throws(ConfigurationError) -> String? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node else { throw error(key, .wrongType, "must be a single value") }
        return scalar.string
    }
}
