// A strict reader over one YAML mapping: unknown keys are refused by name, values are typed and bounded.
import Yams

/// One mapping of a configuration file, read strictly: every key must be known, every value typed and in
/// bounds, and every error names the full key path (`http.port`).
struct YAMLSection {
    /// Dotted path of this mapping in the file ("" for the root).
    let path: String
    private let values: [String: Node]

    /// Reads `node` (absent means empty) as a mapping whose keys must all be in `allowed`.
    init(_ node: Node?, path: String, allowed: Set<String>) throws(CloudError) {
        self.path = path
        guard let node else {
            values = [:]
            return
        }
        guard let mapping = node.mapping else {
            throw CloudError(.invalidConfig, "expected a mapping", subject: path.isEmpty ? "<root>" : path)
        }
        var values: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                throw CloudError(.invalidConfig, "keys must be strings", subject: path.isEmpty ? "<root>" : path)
            }
            guard allowed.contains(key) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw CloudError(.invalidConfig, "unknown key (known keys: \(known))", subject: name(key, in: path))
            }
            values[key] = value
        }
        self.values = values
    }

    /// The sub-mapping under `key` (empty when absent).
    func section(_ key: String, allowed: Set<String>) throws(CloudError) -> YAMLSection {
        try YAMLSection(values[key], path: name(key, in: path), allowed: allowed)
    }

    /// The sequence under `key` (empty when absent).
    func list(_ key: String) throws(CloudError) -> [Node] {
        guard let node = values[key] else { return [] }
        guard let sequence = node.sequence else {
            throw CloudError(.invalidConfig, "expected a list", subject: name(key, in: path))
        }
        return Array(sequence)
    }

    /// A non-empty string, or `fallback` when absent.
    func string(_ key: String, default fallback: String) throws(CloudError) -> String {
        guard let node = values[key] else { return fallback }
        guard let text = node.scalar?.string, !text.isEmpty else {
            throw CloudError(.invalidConfig, "expected a non-empty string", subject: name(key, in: path))
        }
        return text
    }

    /// An optional string (absent or empty → nil).
    func optionalString(_ key: String) throws(CloudError) -> String? {
        guard let node = values[key] else { return nil }
        guard let text = node.scalar?.string else {
            throw CloudError(.invalidConfig, "expected a string", subject: name(key, in: path))
        }
        return text.isEmpty ? nil : text
    }

    /// An integer within `bounds`, or `fallback` when absent.
    func int(_ key: String, default fallback: Int, in bounds: ClosedRange<Int>) throws(CloudError) -> Int {
        guard let node = values[key] else { return fallback }
        guard let value = node.int else {
            throw CloudError(.invalidConfig, "expected an integer", subject: name(key, in: path))
        }
        guard bounds.contains(value) else {
            throw CloudError(.invalidConfig, "\(value) is out of bounds \(bounds.lowerBound)…\(bounds.upperBound)",
                             subject: name(key, in: path))
        }
        return value
    }

    /// A number within `bounds`, or `fallback` when absent.
    func double(_ key: String, default fallback: Double, in bounds: ClosedRange<Double>) throws(CloudError) -> Double {
        guard let node = values[key] else { return fallback }
        guard let value = node.float ?? node.int.map(Double.init) else {
            throw CloudError(.invalidConfig, "expected a number", subject: name(key, in: path))
        }
        guard bounds.contains(value) else {
            throw CloudError(.invalidConfig, "\(value) is out of bounds \(bounds.lowerBound)…\(bounds.upperBound)",
                             subject: name(key, in: path))
        }
        return value
    }

    /// A boolean, or `fallback` when absent.
    func bool(_ key: String, default fallback: Bool) throws(CloudError) -> Bool {
        guard let node = values[key] else { return fallback }
        guard let value = node.bool else {
            throw CloudError(.invalidConfig, "expected true or false", subject: name(key, in: path))
        }
        return value
    }
}

private func name(_ key: String, in path: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
}
