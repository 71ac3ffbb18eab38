// Crops and enrollment photos as bytea rows, so that any aggregator serves any of them and nothing depends on
// one machine's disk.
import Foundation
import PostgresNIO

/// A `BlobVault` in PostgreSQL's `blob` table. Retention and erasure remove rows as they remove files.
public struct PostgresBlobVault: BlobVault {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func save(_ bytes: [UInt8], extension ext: String, at time: Date) async throws(CloudError) -> String {
        let name = Self.newName(extension: ext, at: time)
        let data = Data(bytes)
        let logger = store.logger
        _ = try await store.perform("save blob") { client in
            try await client.query("INSERT INTO blob (name, bytes, created_at) VALUES (\(name), \(data), \(Date()))",
                                   logger: logger)
        }
        return name
    }

    /// Nothing written yet: `PostgresStore.storeDecision` inserts the bytes in the decision's transaction.
    public func stage(_ bytes: [UInt8], extension ext: String, at time: Date) async throws(CloudError) -> StagedBlob {
        .withDecision(PendingBlob(name: Self.newName(extension: ext, at: time), bytes: bytes))
    }

    public func read(_ name: String) async throws(CloudError) -> Data {
        guard let data = try await store.rows("read blob", "SELECT bytes FROM blob WHERE name = \(name)", {
            try $0.value("bytes", as: Data.self)
        }).first else {
            throw CloudError(.notFound, "no such file", subject: name)
        }
        return data
    }

    @discardableResult
    public func remove(_ names: [String]) async -> Int {
        guard !names.isEmpty else { return 0 }
        let removed = try? await store.rows("remove blobs", "DELETE FROM blob WHERE name = ANY(\(names)) RETURNING name") {
            try $0.value("name", as: String.self)
        }
        return removed?.count ?? 0
    }

    public func exists(_ name: String) async -> Bool {
        (try? await store.rows("blob exists", "SELECT 1 AS one FROM blob WHERE name = \(name)") { _ in true })?
            .isEmpty == false
    }
}
