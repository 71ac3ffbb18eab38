/// Rules for the identifiers that appear in topics and payloads (site, agent, camera, worker, model).
///
/// 1 to 64 characters from `A–Z a–z 0–9 . _ -`: no `/`, `+`, `#` (MQTT topic syntax), no `:` (the separator in
/// certificate identities, `agent:{site}:{agent}`), no spaces or control characters.
public enum WireIdentifier {
    /// Whether `value` is a valid identifier.
    public static func isValid(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count <= WireLimits.identifierBytes else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }

    /// Throws `.invalidString` naming `field` unless `value` is a valid identifier.
    public static func validate(_ value: String, field: String) throws {
        guard isValid(value) else {
            throw WireError(.invalidString, field: field,
                            detail: "\"\(value.prefix(80))\" is not an identifier (1-64 of A-Z a-z 0-9 . _ -)")
        }
    }
}
