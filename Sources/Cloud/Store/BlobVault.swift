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
    /// Bytes to be kept with a crop's decision: a vault beside the database (files) saves them now and answers
    /// `.saved`; a vault in the database answers `.withDecision`, and `Store.storeDecision` inserts them in the
    /// decision's transaction (one commit per crop, and nothing to remove when the decision is not stored).
    func stage(_ bytes: [UInt8], extension ext: String, at time: Date) async throws(CloudError) -> StagedBlob
}

/// Bytes a `BlobVault` staged for a crop's decision.
public enum StagedBlob: Sendable {
    /// Saved under this name already (remove it when the decision is not stored).
    case saved(String)
    /// To be inserted with the decision (`DecisionRequest.blob`).
    case withDecision(PendingBlob)

    /// The name the bytes are (or will be) kept under.
    public var name: String {
        switch self {
        case .saved(let name): name
        case .withDecision(let blob): blob.name
        }
    }
}

/// Bytes to be inserted under a generated name in the transaction that stores their decision.
public struct PendingBlob: Sendable {
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
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

extension FileVault: BlobVault {
    public func stage(_ bytes: [UInt8], extension ext: String, at time: Date) async throws(CloudError) -> StagedBlob {
        .saved(try save(bytes, extension: ext, at: time))
    }
}
