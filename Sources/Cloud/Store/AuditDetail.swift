// Audit details, the same text in every store.
import Foundation

/// Audit details as compact, key-sorted JSON text.
enum AuditDetail {
    static func json(_ fields: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(fields) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
