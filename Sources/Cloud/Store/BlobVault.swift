// Where crop and enrollment-photo bytes are kept: files beside SQLite, or a table in PostgreSQL.
import Foundation

/// Keeps image bytes (crops or enrollment photos) by generated name (`2026/11/29/<uuid>.jpg`), never a name
/// taken from input.
public protocol BlobVault: Sendable {
    /// Stores `bytes` under a new name and returns it.
    func save(_ bytes: [UInt8], extension ext: String, at time: Date) async throws(CloudError) -> String
    /// The bytes stored under `name`; `.notFound` when there are none.
    func read(_ name: String) async throws(CloudError) -> Data
    /// Removes stored bytes (a name already gone is not an error); returns how many were removed.
    @discardableResult
    func remove(_ names: [String]) async -> Int
    /// Whether something is stored under `name`.
    func exists(_ name: String) async -> Bool
}

extension BlobVault {
    /// A generated name for bytes stored at `time`: the UTC day, a random UUID and the extension.
    static func newName(extension ext: String, at time: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current,
                                                                    from: time)
        let day = String(format: "%04d/%02d/%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
        return "\(day)/\(UUID().uuidString.lowercased()).\(ext)"
    }
}

extension FileVault: BlobVault {}
